-- Counts instead of rows: one row per (day, tree, revision, language, kind,
-- step, symptom, outcome, buckets) with how many beacons said exactly that.
-- A row per beacon kept the order beacons arrived in, and one person's walk
-- arrives as a run of neighbouring rows; counts keep no order to line up.
-- Absent optional fields are '' (a key column cannot be NULL).
CREATE TABLE counts (
    day TEXT NOT NULL CHECK (length(day) = 10),
    tree TEXT NOT NULL,
    revision TEXT NOT NULL,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('started', 'step', 'fixed-by', 'outcome', 'left')),
    node TEXT NOT NULL,
    symptom TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('', 'resolved', 'escalate')),
    download TEXT NOT NULL CHECK (download IN ('', '<1', '1-5', '5-20', '>20')),
    upload TEXT NOT NULL CHECK (upload IN ('', '<1', '1-5', '5-20', '>20')),
    beacons INTEGER NOT NULL CHECK (beacons > 0),
    PRIMARY KEY (day, tree, revision, lang, kind, node, symptom, outcome, download, upload)
);

INSERT INTO counts (day, tree, revision, lang, kind, node, symptom, outcome, download, upload, beacons)
SELECT day, tree, revision, lang, kind, node,
       COALESCE(symptom, ''), COALESCE(outcome, ''), COALESCE(download, ''), COALESCE(upload, ''),
       COUNT(*)
FROM events
GROUP BY day, tree, revision, lang, kind, node,
         COALESCE(symptom, ''), COALESCE(outcome, ''), COALESCE(download, ''), COALESCE(upload, '');

DROP TABLE events;

CREATE INDEX counts_by_tree_day ON counts (tree, revision, day);
