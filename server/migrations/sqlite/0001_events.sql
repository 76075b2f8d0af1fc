-- One row per accepted beacon. No address, user agent, cookie or time of
-- day: the day (UTC, YYYY-MM-DD) is the only time kept.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL CHECK (length(day) = 10),
    tree TEXT NOT NULL,
    revision TEXT NOT NULL,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('started', 'step', 'fixed-by', 'outcome', 'left')),
    node TEXT NOT NULL,
    symptom TEXT,
    outcome TEXT CHECK (outcome IN ('resolved', 'escalate')),
    download TEXT CHECK (download IN ('<1', '1-5', '5-20', '>20')),
    upload TEXT CHECK (upload IN ('<1', '1-5', '5-20', '>20'))
) STRICT;

CREATE INDEX events_by_tree_day ON events (tree, revision, day);
CREATE INDEX events_by_day ON events (day);
