//! What the server is told to do: the command-line flags and the [`Config`]
//! the router is built from.
//!
//! The flags live here (not in `main.rs`) so tests and `xtask` can build the
//! exact same configuration the binary would, without spawning it.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::insights::{self, InsightsConfig};

/// Default cap on `GET /__down?bytes=N`: 1 GiB.
pub const DEFAULT_MAX_DOWN_BYTES: u64 = 1 << 30;

/// Default cap on a `POST /__up` body: 256 MiB.
pub const DEFAULT_MAX_UP_BYTES: u64 = 256 << 20;

/// Everything [`crate::router`] needs to know; independent of how the server
/// listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The built widget (`index.html`, `embed.js`, wasm, css), served at `/`.
    pub dist: PathBuf,
    /// Optional directory of demo host pages, served under `/demo/`.
    pub demo: Option<PathBuf>,
    /// Largest payload `GET /__down` agrees to send, in bytes.
    pub max_down_bytes: u64,
    /// Largest body `POST /__up` agrees to read, in bytes.
    pub max_up_bytes: u64,
    /// Expose `GET /__stats` and `POST /__stats/reset` (benchmarks, tests).
    pub stats: bool,
    /// Expose the fault-injection endpoints under `/__fault/` (browser tests).
    pub faults: bool,
    /// An upload body that sends nothing for this long is cut off, so a
    /// stalled client cannot hold a connection and its task forever.
    pub upload_idle_timeout: Duration,
    /// A connection that has not sent a whole request head for this long
    /// is closed, so idle or trickling clients cannot pile up.
    pub header_read_timeout: Duration,
    /// Collect insight beacons (`POST /__insights`) into this database and
    /// answer the summary to its token; `None`: the endpoints say they are off.
    pub insights: Option<InsightsConfig>,
}

/// Default of [`Config::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Default of [`Config::upload_idle_timeout`]: longer than any pause of a
/// live link, short enough that stalled uploads do not pile up.
pub const DEFAULT_UPLOAD_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for Config {
    fn default() -> Self {
        Self {
            dist: PathBuf::from("dist"),
            demo: None,
            max_down_bytes: DEFAULT_MAX_DOWN_BYTES,
            max_up_bytes: DEFAULT_MAX_UP_BYTES,
            stats: false,
            faults: false,
            upload_idle_timeout: DEFAULT_UPLOAD_IDLE_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            insights: None,
        }
    }
}

/// Command-line flags of the `backup-doctor-server` binary.
#[derive(Clone, Debug, Parser)]
#[command(
    name = "backup-doctor-server",
    about = "Serves the backup-doctor widget and its speed-test endpoints (/__down, /__up)"
)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free one (the startup line says which).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Directory of the built widget, served at `/`.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Directory of demo host pages, served under `/demo/`.
    #[arg(long)]
    pub demo: Option<PathBuf>,
    /// Largest `bytes` accepted by `GET /__down`.
    #[arg(long, default_value_t = DEFAULT_MAX_DOWN_BYTES)]
    pub max_down_bytes: u64,
    /// Largest body accepted by `POST /__up` (bigger gets 413).
    #[arg(long, default_value_t = DEFAULT_MAX_UP_BYTES)]
    pub max_up_bytes: u64,
    /// Expose `GET /__stats` and `POST /__stats/reset`.
    #[arg(long)]
    pub stats: bool,
    /// Expose fault-injection endpoints `/__fault/down` and `/__fault/tree`.
    #[arg(long)]
    pub faults: bool,
    /// Collect insight beacons at POST /__insights into `sqlite:PATH` (a
    /// file, created and migrated on start) or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(long, value_name = "DATABASE")]
    pub insights: Option<String>,
    /// Bearer token that reads GET /__insights/summary; without it, reading
    /// is refused. At least 16 visible characters.
    #[arg(
        long,
        env = "BACKUP_DOCTOR_INSIGHTS_TOKEN",
        hide_env_values = true,
        value_parser = insights::parse_token
    )]
    pub insights_token: Option<String>,
    /// Beacons one client address may send at once (then 429).
    #[arg(long, default_value_t = insights::DEFAULT_BURST, value_parser = clap::value_parser!(u32).range(1..))]
    pub insights_burst: u32,
    /// Beacons one client address regains per minute.
    #[arg(long, default_value_t = insights::DEFAULT_PER_MINUTE, value_parser = clap::value_parser!(u32).range(1..))]
    pub insights_per_minute: u32,
}

impl Args {
    /// The router configuration these flags describe.
    pub fn config(&self) -> Config {
        Config {
            dist: self.dist.clone(),
            demo: self.demo.clone(),
            max_down_bytes: self.max_down_bytes,
            max_up_bytes: self.max_up_bytes,
            stats: self.stats,
            faults: self.faults,
            upload_idle_timeout: DEFAULT_UPLOAD_IDLE_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            insights: self.insights.as_ref().map(|database| InsightsConfig {
                database: database.clone(),
                token: self.insights_token.clone(),
                burst: self.insights_burst,
                per_minute: self.insights_per_minute,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_flags_give_the_documented_defaults() {
        let args = Args::try_parse_from(["backup-doctor-server"]).expect("no flags parse");
        assert_eq!(args.host, "127.0.0.1");
        assert_eq!(args.port, 8080);
        assert_eq!(args.config(), Config::default());
    }

    #[test]
    fn every_flag_reaches_the_config() {
        let args = Args::try_parse_from([
            "backup-doctor-server",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--dist",
            "out",
            "--demo",
            "demo",
            "--max-down-bytes",
            "1000",
            "--max-up-bytes",
            "2000",
            "--stats",
            "--faults",
        ])
        .expect("all flags parse");
        assert_eq!(args.host, "0.0.0.0");
        assert_eq!(args.port, 0);
        assert_eq!(
            args.config(),
            Config {
                dist: PathBuf::from("out"),
                demo: Some(PathBuf::from("demo")),
                max_down_bytes: 1000,
                max_up_bytes: 2000,
                stats: true,
                faults: true,
                upload_idle_timeout: DEFAULT_UPLOAD_IDLE_TIMEOUT,
                header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
                insights: None,
            }
        );
    }

    #[test]
    fn the_insights_flags_reach_the_config() {
        let args = Args::try_parse_from([
            "backup-doctor-server",
            "--insights",
            "sqlite:insights.db",
            "--insights-token",
            "0123456789abcdef",
            "--insights-burst",
            "5",
            "--insights-per-minute",
            "30",
        ])
        .expect("insights flags parse");
        assert_eq!(
            args.config().insights,
            Some(InsightsConfig {
                database: "sqlite:insights.db".into(),
                token: Some("0123456789abcdef".into()),
                burst: 5,
                per_minute: 30,
            })
        );
    }

    #[test]
    fn a_short_insights_token_is_refused_at_startup() {
        let error = Args::try_parse_from(["backup-doctor-server", "--insights-token", "abc"])
            .expect_err("refused");
        assert!(error.to_string().contains("at least 16"), "{error}");
    }

    #[test]
    fn a_negative_cap_is_refused_at_startup() {
        assert!(Args::try_parse_from(["backup-doctor-server", "--max-down-bytes", "-1"]).is_err());
    }
}
