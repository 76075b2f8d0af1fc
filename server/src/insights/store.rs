//! Where insight counts live (one row per distinct beacon and day, with how
//! many came; never a row per beacon, whose order would line a walk up): SQLite (a file, the embedded default) or
//! PostgreSQL (one database shared by several server instances), through
//! sqlx, with the schema in versioned migrations embedded in the binary.
//!
//! Every query is the same SQL text on both backends (`$N` parameters,
//! days as `YYYY-MM-DD` text, `SUM(CASE ...)` rather than `FILTER`), so the
//! two answer alike; only the migrations differ, in their column types.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row};

use super::beacon::Event;
use super::day::Day;
use super::summary::{
    BucketRow, DayRow, Filter, NodeRow, Rows, SymptomFixRow, SymptomRow, TreeRow,
};

/// Rows per `INSERT` statement (11 parameters each, well under both
/// backends' parameter limits).
const ROWS_PER_STATEMENT: usize = 500;

/// An open, migrated insights database.
#[derive(Clone)]
pub enum Store {
    /// `sqlite:PATH`.
    Sqlite(SqlitePool),
    /// `postgres://...`.
    Postgres(PgPool),
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Store::Sqlite(_) => "Store::Sqlite",
            Store::Postgres(_) => "Store::Postgres",
        })
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Neither `sqlite:` nor `postgres://`.
    #[error("--insights takes sqlite:PATH or postgres://USER:PASSWORD@HOST/DATABASE, not \"{0}\"")]
    Scheme(String),
    /// `sqlite:` with no path.
    #[error("--insights sqlite: needs a file path, e.g. sqlite:insights.db")]
    NoPath,
    /// A `postgres://` URL sqlx cannot read.
    #[error("--insights: the PostgreSQL URL is not valid: {0}")]
    Url(sqlx::Error),
    /// Connecting failed (no such file directory, server down, bad password).
    #[error("cannot open the insights database: {0}")]
    Connect(sqlx::Error),
    /// A migration failed.
    #[error("cannot migrate the insights database: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

/// The same code for both pools: each arm is type-checked on its own, so
/// the body may use the pool's concrete types.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Store::Sqlite($pool) => $body,
            Store::Postgres($pool) => $body,
        }
    };
}

impl Store {
    /// Opens (creating a SQLite file when missing) and migrates `url`.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(StoreError::NoPath);
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // Every acknowledged batch is on disk, even across a power
                // cut (batching pays for the sync).
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(StoreError::Connect)?;
            sqlx::migrate!("./migrations/sqlite")
                .run(&pool)
                .await
                .map_err(StoreError::Migrate)?;
            Store::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(StoreError::Url)?;
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(StoreError::Connect)?;
            sqlx::migrate!("./migrations/postgres")
                .run(&pool)
                .await
                .map_err(StoreError::Migrate)?;
            Store::Postgres(pool)
        } else {
            let shown = url.split_once("://").map_or(url, |(scheme, _)| scheme);
            return Err(StoreError::Scheme(shown.to_owned()));
        };
        Ok(store)
    }

    /// Which backend, for messages.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "SQLite",
            Store::Postgres(_) => "PostgreSQL",
        }
    }

    /// Adds `events` to the counts in one transaction: all of them or none.
    /// The batch is added up first, so each key is written once.
    pub async fn insert(&self, events: &[(Day, Event)]) -> Result<(), sqlx::Error> {
        let mut counts: BTreeMap<[String; 10], i64> = BTreeMap::new();
        for (day, e) in events {
            let or_empty = |s: Option<&str>| s.unwrap_or_default().to_owned();
            let key = [
                day.to_string(),
                e.tree.clone(),
                e.revision.clone(),
                e.lang.clone(),
                e.kind.as_str().to_owned(),
                e.node.clone(),
                or_empty(e.symptom.as_deref()),
                or_empty(e.outcome.map(|o| o.as_str())),
                or_empty(e.download.map(|b| b.as_str())),
                or_empty(e.upload.map(|b| b.as_str())),
            ];
            *counts.entry(key).or_default() += 1;
        }
        let counts: Vec<([String; 10], i64)> = counts.into_iter().collect();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for chunk in counts.chunks(ROWS_PER_STATEMENT) {
                let mut insert = QueryBuilder::new(
                    "INSERT INTO counts \
                     (day, tree, revision, lang, kind, node, symptom, outcome, download, upload, beacons) ",
                );
                insert.push_values(chunk, |mut row, (key, n)| {
                    for field in key {
                        row.push_bind(field.as_str());
                    }
                    row.push_bind(i32::try_from(*n).unwrap_or(i32::MAX));
                });
                insert.push(
                    " ON CONFLICT (day, tree, revision, lang, kind, node, symptom, outcome, download, upload) \
                     DO UPDATE SET beacons = counts.beacons + excluded.beacons",
                );
                insert.build().execute(&mut *tx).await?;
            }
            tx.commit().await
        })
    }

    /// How many beacons are stored (benchmarks and tests: nothing lost).
    pub async fn count(&self) -> Result<i64, sqlx::Error> {
        on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>("SELECT CAST(COALESCE(SUM(beacons), 0) AS BIGINT) FROM counts")
                .fetch_one(pool)
                .await
        })
    }

    /// Everything the summary adds up, for events matching `filter`.
    pub async fn summary_rows(&self, filter: &Filter) -> Result<Rows, sqlx::Error> {
        let from = filter
            .from
            .map_or_else(|| "0001-01-01".to_owned(), |d| d.to_string());
        let to = filter
            .to
            .map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string());
        let lang = filter.lang.clone().unwrap_or_default();
        macro_rules! fetch {
            ($pool:expr, $sql:expr) => {
                sqlx::query($sql)
                    .bind(from.as_str())
                    .bind(to.as_str())
                    .bind(lang.as_str())
                    .fetch_all($pool)
                    .await?
            };
        }
        on_pool!(self, pool => {
            let mut rows = Rows::default();
            for r in fetch!(pool, TREES_SQL) {
                rows.trees.push(TreeRow {
                    tree: r.try_get(0)?,
                    revision: r.try_get(1)?,
                    started: r.try_get(2)?,
                    resolved: r.try_get(3)?,
                    escalated: r.try_get(4)?,
                    left: r.try_get(5)?,
                });
            }
            for r in fetch!(pool, NODES_SQL) {
                rows.nodes.push(NodeRow {
                    tree: r.try_get(0)?,
                    revision: r.try_get(1)?,
                    node: r.try_get(2)?,
                    reached: r.try_get(3)?,
                    left: r.try_get(4)?,
                    fixed: r.try_get(5)?,
                });
            }
            for r in fetch!(pool, SYMPTOMS_SQL) {
                rows.symptoms.push(SymptomRow {
                    tree: r.try_get(0)?,
                    revision: r.try_get(1)?,
                    symptom: r.try_get(2)?,
                    resolved: r.try_get(3)?,
                    escalated: r.try_get(4)?,
                    left: r.try_get(5)?,
                });
            }
            for r in fetch!(pool, SYMPTOM_FIXES_SQL) {
                rows.symptom_fixes.push(SymptomFixRow {
                    tree: r.try_get(0)?,
                    revision: r.try_get(1)?,
                    symptom: r.try_get(2)?,
                    node: r.try_get(3)?,
                    fixed: r.try_get(4)?,
                });
            }
            for r in fetch!(pool, DAYS_SQL) {
                rows.days.push(DayRow {
                    tree: r.try_get(0)?,
                    revision: r.try_get(1)?,
                    day: r.try_get(2)?,
                    started: r.try_get(3)?,
                    resolved: r.try_get(4)?,
                    escalated: r.try_get(5)?,
                    left: r.try_get(6)?,
                });
            }
            for (direction, sql) in [("download", DOWNLOAD_SQL), ("upload", UPLOAD_SQL)] {
                for r in fetch!(pool, sql) {
                    rows.buckets.push(BucketRow {
                        tree: r.try_get(0)?,
                        revision: r.try_get(1)?,
                        direction,
                        bucket: r.try_get(2)?,
                        ended: r.try_get(3)?,
                        resolved: r.try_get(4)?,
                    });
                }
            }
            Ok(rows)
        })
    }
}

/// The filter every summary query shares: `$1` first day, `$2` last day
/// (both inclusive), `$3` language or '' for all.
macro_rules! filtered {
    ($select:literal, $and:literal, $group:literal) => {
        concat!(
            $select,
            " FROM counts WHERE day >= $1 AND day <= $2 AND ($3 = '' OR lang = $3) ",
            $and,
            " GROUP BY ",
            $group,
            " ORDER BY ",
            $group
        )
    };
}

const TREES_SQL: &str = filtered!(
    "SELECT tree, revision, \
     SUM(CASE WHEN kind = 'started' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'outcome' AND outcome = 'resolved' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'outcome' AND outcome = 'escalate' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'left' THEN beacons ELSE 0 END)",
    "",
    "tree, revision"
);

const NODES_SQL: &str = filtered!(
    "SELECT tree, revision, node, \
     SUM(CASE WHEN kind = 'step' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'left' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'fixed-by' THEN beacons ELSE 0 END)",
    "AND kind IN ('step', 'left', 'fixed-by')",
    "tree, revision, node"
);

const SYMPTOMS_SQL: &str = filtered!(
    "SELECT tree, revision, symptom, \
     SUM(CASE WHEN kind = 'outcome' AND outcome = 'resolved' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'outcome' AND outcome = 'escalate' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'left' THEN beacons ELSE 0 END)",
    "AND symptom <> '' AND kind IN ('outcome', 'left')",
    "tree, revision, symptom"
);

const SYMPTOM_FIXES_SQL: &str = filtered!(
    "SELECT tree, revision, symptom, node, SUM(beacons)",
    "AND symptom <> '' AND kind = 'fixed-by'",
    "tree, revision, symptom, node"
);

const DAYS_SQL: &str = filtered!(
    "SELECT tree, revision, day, \
     SUM(CASE WHEN kind = 'started' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'outcome' AND outcome = 'resolved' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'outcome' AND outcome = 'escalate' THEN beacons ELSE 0 END), \
     SUM(CASE WHEN kind = 'left' THEN beacons ELSE 0 END)",
    "",
    "tree, revision, day"
);

const DOWNLOAD_SQL: &str = filtered!(
    "SELECT tree, revision, NULLIF(download, ''), SUM(beacons), \
     SUM(CASE WHEN outcome = 'resolved' THEN beacons ELSE 0 END)",
    "AND kind IN ('outcome', 'left')",
    "tree, revision, download"
);

const UPLOAD_SQL: &str = filtered!(
    "SELECT tree, revision, NULLIF(upload, ''), SUM(beacons), \
     SUM(CASE WHEN outcome = 'resolved' THEN beacons ELSE 0 END)",
    "AND kind IN ('outcome', 'left')",
    "tree, revision, upload"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_queries_share_one_filter() {
        for sql in [
            TREES_SQL,
            NODES_SQL,
            SYMPTOMS_SQL,
            SYMPTOM_FIXES_SQL,
            DAYS_SQL,
            DOWNLOAD_SQL,
            UPLOAD_SQL,
        ] {
            assert!(
                sql.contains("WHERE day >= $1 AND day <= $2 AND ($3 = '' OR lang = $3)"),
                "{sql}"
            );
        }
    }

    #[tokio::test]
    async fn an_unknown_scheme_is_refused_without_echoing_credentials() {
        let error = Store::open("mysql://user:secret@host/db")
            .await
            .expect_err("refused");
        let message = error.to_string();
        assert!(message.contains("\"mysql\""), "{message}");
        assert!(!message.contains("secret"), "{message}");
        assert!(matches!(
            Store::open("sqlite:").await,
            Err(StoreError::NoPath)
        ));
    }
}
