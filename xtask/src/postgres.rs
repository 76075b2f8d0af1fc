//! A PostgreSQL database for the insights tests and bench, set up by the
//! test command itself: Debian's `postgresql` package (installed when
//! missing), its cluster started with `pg_ctlcluster`, and a role and a
//! fresh database created through `psql` as the `postgres` user.
//!
//! Tests connect over 127.0.0.1 with a password (Debian's default
//! `pg_hba.conf` asks for one there), never over another interface.

use std::path::Path;

use crate::cmd::{command, output, run};
use crate::{tools, TaskResult};

/// The role the tests and the bench log in as.
const ROLE: &str = "backup_doctor_test";
/// Its password: a local, throwaway role on 127.0.0.1, not a secret.
const PASSWORD: &str = "backup-doctor-test";

/// A running cluster, as `pg_lsclusters` lists it.
#[derive(Debug, PartialEq, Eq)]
struct Cluster {
    version: String,
    name: String,
    port: u16,
    online: bool,
}

/// Makes sure PostgreSQL runs and `database` exists, empty, owned by the
/// test role; returns its URL.
pub fn fresh_database(database: &str) -> TaskResult<String> {
    if !Path::new("/usr/bin/pg_ctlcluster").exists() {
        tools::apt_install(&["postgresql"])?;
    }
    let cluster = first_cluster()?;
    if !cluster.online {
        run(&mut command(
            "pg_ctlcluster",
            &[&cluster.version, &cluster.name, "start"],
        ))?;
    }
    let port = cluster.port.to_string();
    let sql = [
        format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') \
             THEN CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'; END IF; END $$"
        ),
        format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
        format!("CREATE DATABASE {database} OWNER {ROLE}"),
    ];
    for statement in &sql {
        run(&mut as_postgres(&[
            "psql",
            "--quiet",
            "--port",
            &port,
            "--set",
            "ON_ERROR_STOP=1",
            "--command",
            statement,
        ]))?;
    }
    Ok(format!(
        "postgres://{ROLE}:{PASSWORD}@127.0.0.1:{port}/{database}"
    ))
}

/// The first cluster `pg_lsclusters` lists (creating `main` if there is
/// none, as a fresh package install does itself).
fn first_cluster() -> TaskResult<Cluster> {
    let list = || output(&mut command("pg_lsclusters", &["--no-header"])).unwrap_or_default();
    if let Some(cluster) = parse_clusters(&list()) {
        return Ok(cluster);
    }
    let version = installed_versions()
        .into_iter()
        .max_by_key(|v| v.parse::<u32>().unwrap_or(0))
        .ok_or("PostgreSQL is installed but /usr/lib/postgresql has no version")?;
    run(&mut command("pg_createcluster", &[&version, "main"]))?;
    parse_clusters(&list())
        .ok_or_else(|| "pg_lsclusters lists no cluster after pg_createcluster".into())
}

fn installed_versions() -> Vec<String> {
    std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `15  main    5432 online postgres /var/lib/... /var/log/...`
fn parse_clusters(text: &str) -> Option<Cluster> {
    text.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let version = words.next()?.to_owned();
        let name = words.next()?.to_owned();
        let port = words.next()?.parse().ok()?;
        let status = words.next()?;
        Some(Cluster {
            version,
            name,
            port,
            online: status.starts_with("online"),
        })
    })
}

/// `ARGS` run as the `postgres` user (`runuser` as root, else `sudo`).
fn as_postgres(args: &[&str]) -> std::process::Command {
    let as_root = output(&mut command("id", &["-u"])).is_some_and(|s| s.trim() == "0");
    let mut all: Vec<&str> = if as_root {
        vec!["-u", "postgres", "--"]
    } else {
        vec!["-u", "postgres"]
    };
    all.extend_from_slice(args);
    command(if as_root { "runuser" } else { "sudo" }, &all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_first_cluster_of_pg_lsclusters() {
        let text = "15  main    5432 down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n";
        assert_eq!(
            parse_clusters(text),
            Some(Cluster {
                version: "15".into(),
                name: "main".into(),
                port: 5432,
                online: false
            })
        );
        let online = "16 main 5433 online postgres /d /l\n";
        assert_eq!(
            parse_clusters(online).map(|c| (c.port, c.online)),
            Some((5433, true))
        );
        assert_eq!(parse_clusters(""), None);
    }
}
