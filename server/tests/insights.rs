//! The insights collector end to end, over real TCP and real databases:
//! SQLite on a file always, and PostgreSQL as well when
//! `BACKUP_DOCTOR_TEST_POSTGRES` names a database (`cargo xtask test` sets
//! one up). Every test runs the same steps on each backend.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use backup_doctor_server::insights::{BatchPolicy, Clock, Day, Insights, InsightsConfig, Store};
use backup_doctor_server::{router_with_insights, serve_router, Config, Stats};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const TOKEN: &str = "test-token-0123456789";
const TREE: &str = "whatsapp-backup-stuck";
const REVISION: &str = "2026-12-02.1";
/// 2026-12-02 as days since 1970-01-01.
const DEC_2: i64 = 20_789;

/// Where a test's events go.
#[derive(Clone, Debug)]
enum Backend {
    Sqlite,
    /// The admin URL from `BACKUP_DOCTOR_TEST_POSTGRES`.
    Postgres(String),
}

fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("BACKUP_DOCTOR_TEST_POSTGRES") {
        if !url.is_empty() {
            all.push(Backend::Postgres(url));
        }
    }
    all
}

/// An empty database of `backend` for the test `name`: a new SQLite file,
/// or a new PostgreSQL schema (the URL puts it first on the search path).
async fn fresh_database(backend: &Backend, name: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let dir = common::scratch_dir(&format!("insights-{name}"));
            format!("sqlite:{}", dir.join("insights.db").display())
        }
        Backend::Postgres(admin) => {
            let schema = format!("insights_{name}_{}", std::process::id());
            let pool = sqlx::PgPool::connect(admin)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to BACKUP_DOCTOR_TEST_POSTGRES: {e}"));
            sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(&pool)
                .await
                .expect("drop the old schema");
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&pool)
                .await
                .expect("create the test schema");
            pool.close().await;
            let joiner = if admin.contains('?') { '&' } else { '?' };
            format!("{admin}{joiner}options[search_path]={schema}")
        }
    }
}

/// A clock the test moves by hand.
#[derive(Clone)]
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn new(days: i64) -> Self {
        Self(Arc::new(AtomicI64::new(days)))
    }
    fn set(&self, days: i64) {
        self.0.store(days, Ordering::SeqCst);
    }
    fn clock(&self) -> Clock {
        let days = self.0.clone();
        Arc::new(move || Day::from_unix_days(days.load(Ordering::SeqCst)))
    }
}

/// A real server on 127.0.0.1 with the collector.
struct TestServer {
    address: SocketAddr,
    insights: Insights,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

async fn start(insights_config: InsightsConfig, clock: &TestClock) -> TestServer {
    let insights = Insights::open_with(&insights_config, BatchPolicy::default(), clock.clock())
        .await
        .unwrap_or_else(|e| panic!("open {:?}: {e}", insights_config));
    let config = Config {
        insights: Some(insights_config),
        ..common::endpoints_config()
    };
    let header_read_timeout = config.header_read_timeout;
    let app = router_with_insights(config, Arc::new(Stats::default()), Some(insights.clone()));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let address = listener.local_addr().expect("local address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        let _ = serve_router(listener, app, header_read_timeout, shutdown).await;
    });
    TestServer {
        address,
        insights,
        stop: Some(stop),
        task,
    }
}

fn with_token(database: &str) -> InsightsConfig {
    InsightsConfig {
        token: Some(TOKEN.into()),
        ..InsightsConfig::new(database)
    }
}

impl TestServer {
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }

    async fn count(&self) -> i64 {
        self.insights.store().count().await.expect("count events")
    }

    async fn beacon(&self, body: &str) -> Answer {
        post_beacon(self.address, body).await
    }

    async fn summary(&self, query: &str) -> Value {
        let answer = get_summary(self.address, query, Some(TOKEN)).await;
        assert_eq!(answer.status, 200, "summary{query}: {}", answer.body);
        serde_json::from_str(&answer.body).expect("summary JSON")
    }
}

/// One HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        common::head_value(&self.head, name)
    }
}

async fn exchange(address: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(request).await.expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read answer");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// What `navigator.sendBeacon(url, string)` sends.
async fn post_beacon(address: SocketAddr, body: &str) -> Answer {
    let request = format!(
        "POST /__insights HTTP/1.1\r\nHost: test\r\nOrigin: https://help.example\r\n\
         Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(address, request.as_bytes()).await
}

async fn get_summary(address: SocketAddr, query: &str, token: Option<&str>) -> Answer {
    let authorization = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "GET /__insights/summary{query} HTTP/1.1\r\nHost: test\r\n{authorization}Connection: close\r\n\r\n"
    );
    exchange(address, request.as_bytes()).await
}

/// A beacon of the main tree.
fn beacon(kind: &str, node: &str, extra: Value) -> String {
    let mut body = json!({
        "v": 1, "tree": TREE, "revision": REVISION, "lang": "en", "kind": kind, "node": node,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body.to_string()
}

async fn send_all(server: &TestServer, beacons: &[String]) {
    for body in beacons {
        let answer = server.beacon(body).await;
        assert_eq!(answer.status, 204, "{body}: {}", answer.body);
    }
}

/// Three walks: one resolved by a fix, one escalated, one left at the
/// first step; plus one walk of another tree.
fn three_walks() -> Vec<String> {
    let s0 = json!({"symptom": "android-symptom:0"});
    let s1 = json!({"symptom": "android-symptom:1"});
    vec![
        // Resolved by android-storage.
        beacon("started", "platform", json!({})),
        beacon("step", "platform", json!({})),
        beacon("step", "android-symptom", json!({})),
        beacon("step", "android-account", s0.clone()),
        beacon("step", "android-storage", s0.clone()),
        beacon("fixed-by", "android-storage", s0.clone()),
        beacon("step", "fixed", json!({"symptom": "android-symptom:0", "download": "5-20", "upload": "1-5"})),
        beacon("outcome", "fixed", json!({"symptom": "android-symptom:0", "outcome": "resolved", "download": "5-20", "upload": "1-5"})),
        // Escalated.
        beacon("started", "platform", json!({})),
        beacon("step", "platform", json!({})),
        beacon("step", "android-symptom", json!({})),
        beacon("step", "android-account", s1.clone()),
        beacon("step", "more-help", json!({"symptom": "android-symptom:1", "upload": "<1"})),
        beacon("outcome", "more-help", json!({"symptom": "android-symptom:1", "outcome": "escalate", "upload": "<1"})),
        // Left at the first step.
        beacon("started", "platform", json!({})),
        beacon("step", "platform", json!({})),
        beacon("left", "platform", json!({})),
        // Another tree.
        json!({"v": 1, "tree": "other-tree", "revision": "7", "lang": "fr", "kind": "started", "node": "start"}).to_string(),
    ]
}

fn three_walks_summary(day: &str) -> Value {
    json!({
        "tree": TREE,
        "revision": REVISION,
        "started": 3,
        "resolved": 1,
        "escalated": 1,
        "left": 1,
        "nodes": [
            {"node": "platform", "reached": 3, "left": 1, "fixed": 0},
            {"node": "android-account", "reached": 2, "left": 0, "fixed": 0},
            {"node": "android-symptom", "reached": 2, "left": 0, "fixed": 0},
            {"node": "android-storage", "reached": 1, "left": 0, "fixed": 1},
            {"node": "fixed", "reached": 1, "left": 0, "fixed": 0},
            {"node": "more-help", "reached": 1, "left": 0, "fixed": 0},
        ],
        "bySymptom": [
            {"symptom": "android-symptom:0", "resolved": 1, "escalated": 0, "left": 0,
             "fixes": [{"node": "android-storage", "fixed": 1}]},
            {"symptom": "android-symptom:1", "resolved": 0, "escalated": 1, "left": 0, "fixes": []},
        ],
        "connection": {
            "download": [
                {"bucket": "5-20", "ended": 1, "resolved": 1},
                {"bucket": "unmeasured", "ended": 2, "resolved": 0},
            ],
            "upload": [
                {"bucket": "<1", "ended": 1, "resolved": 0},
                {"bucket": "1-5", "ended": 1, "resolved": 1},
                {"bucket": "unmeasured", "ended": 1, "resolved": 0},
            ],
        },
        "byDay": [{"day": day, "started": 3, "resolved": 1, "escalated": 1, "left": 1}],
    })
}

#[tokio::test]
async fn a_walk_shows_up_in_the_summary_attributed_to_its_tree_steps_and_symptom() {
    for backend in backends() {
        let database = fresh_database(&backend, "walk").await;
        let clock = TestClock::new(DEC_2);
        let server = start(with_token(&database), &clock).await;
        send_all(&server, &three_walks()).await;
        let summary = server.summary("").await;
        assert_eq!(
            summary["filter"],
            json!({"from": null, "to": null, "lang": null})
        );
        let trees = summary["trees"].as_array().expect("trees");
        assert_eq!(trees.len(), 2, "{backend:?}: {summary}");
        assert_eq!(trees[0]["tree"], "other-tree", "{backend:?}");
        assert_eq!(trees[0]["started"], 1);
        assert_eq!(trees[0]["nodes"], json!([]));
        assert_eq!(trees[1], three_walks_summary("2026-12-02"), "{backend:?}");
        assert_eq!(server.count().await, 18);
        server.stop().await;
    }
}

#[tokio::test]
async fn beacons_sent_at_once_are_all_stored_and_acknowledged() {
    for backend in backends() {
        let database = fresh_database(&backend, "burst").await;
        let clock = TestClock::new(DEC_2);
        let config = InsightsConfig {
            burst: 1000,
            ..with_token(&database)
        };
        let server = start(config, &clock).await;
        let address = server.address;
        let sends: Vec<_> = (0..200)
            .map(|_| {
                tokio::spawn(async move {
                    post_beacon(address, &beacon("started", "platform", json!({}))).await
                })
            })
            .collect();
        for send in sends {
            let answer = send.await.expect("client task");
            assert_eq!(answer.status, 204, "{backend:?}: {}", answer.body);
        }
        assert_eq!(server.count().await, 200, "{backend:?}");
        let summary = server.summary("").await;
        assert_eq!(summary["trees"][0]["started"], 200);
        server.stop().await;
    }
}

#[tokio::test]
async fn the_summary_is_refused_without_the_right_token() {
    for backend in backends() {
        let database = fresh_database(&backend, "token").await;
        let clock = TestClock::new(DEC_2);
        let server = start(with_token(&database), &clock).await;
        send_all(&server, &three_walks()).await;
        for token in [
            None,
            Some("wrong-token-0123456789"),
            Some("test-token-012345678"),
        ] {
            let answer = get_summary(server.address, "", token).await;
            assert_eq!(answer.status, 401, "{token:?}");
            assert_eq!(
                answer.header("www-authenticate"),
                Some("Bearer realm=\"insights\"")
            );
            assert!(
                answer.body.contains("Authorization: Bearer"),
                "{}",
                answer.body
            );
            assert!(
                !answer.body.contains("platform"),
                "nothing leaks: {}",
                answer.body
            );
        }
        let basic = b"GET /__insights/summary HTTP/1.1\r\nHost: t\r\nAuthorization: Basic dGVzdDp0ZXN0\r\nConnection: close\r\n\r\n";
        assert_eq!(exchange(server.address, basic).await.status, 401);
        // A bad filter is not even looked at without the token.
        assert_eq!(
            get_summary(server.address, "?from=nonsense", None)
                .await
                .status,
            401
        );
        assert_eq!(
            get_summary(server.address, "", Some(TOKEN)).await.status,
            200
        );
        server.stop().await;

        // Collecting without a token: nobody can read.
        let server = start(InsightsConfig::new(&database), &clock).await;
        let answer = get_summary(server.address, "", Some(TOKEN)).await;
        assert_eq!(answer.status, 403);
        assert!(answer.body.contains("--insights-token"), "{}", answer.body);
        assert_eq!(
            server
                .beacon(&beacon("started", "platform", json!({})))
                .await
                .status,
            204
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn malformed_beacons_get_a_reason_and_are_not_counted() {
    for backend in backends() {
        let database = fresh_database(&backend, "malformed").await;
        let clock = TestClock::new(DEC_2);
        let server = start(with_token(&database), &clock).await;
        let long_node = "n".repeat(65);
        let cases: Vec<(String, u16, &str)> = vec![
            ("{\"v\":1,".into(), 400, "the beacon is not valid"),
            (
                "tree=whatsapp-backup-stuck".into(),
                400,
                "the beacon is not valid",
            ),
            (
                beacon("clicked", "platform", json!({})),
                400,
                "unknown variant `clicked`",
            ),
            (
                beacon("step", &long_node, json!({})),
                400,
                "at most 64 are allowed",
            ),
            (
                beacon("step", "platform", json!({"ip": "192.0.2.1"})),
                400,
                "unknown field `ip`",
            ),
            (
                beacon("step", "platform", json!({"symptom": "Stuck at 0 %"})),
                400,
                "\"symptom\"",
            ),
            (beacon("outcome", "fixed", json!({})), 400, "\"outcome\""),
            (
                beacon("step", "platform", json!({"upload": "12.5"})),
                400,
                "unknown variant `12.5`",
            ),
            (
                beacon("step", "platform", json!({"lang": "English"})),
                400,
                "language tag",
            ),
            (
                beacon("step", "platform", json!({"v": 2})),
                400,
                "this server reads \"v\": 1",
            ),
            (
                format!(
                    "{}{}",
                    beacon("step", "platform", json!({})),
                    " ".repeat(2100)
                ),
                413,
                "at most 2048 bytes",
            ),
        ];
        for (body, status, reason) in &cases {
            let answer = server.beacon(body).await;
            assert_eq!(
                answer.status, *status,
                "{backend:?} {body}: {}",
                answer.body
            );
            assert!(
                answer.body.contains(reason),
                "{body}: {:?} lacks {reason:?}",
                answer.body
            );
            assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
        }
        assert_eq!(server.count().await, 0, "{backend:?}: nothing stored");
        assert_eq!(server.summary("").await["trees"], json!([]));
        assert_eq!(
            server
                .beacon(&beacon("started", "platform", json!({})))
                .await
                .status,
            204
        );
        assert_eq!(server.count().await, 1);
        server.stop().await;
    }
}

#[tokio::test]
async fn counts_survive_a_restart_of_the_server() {
    for backend in backends() {
        let database = fresh_database(&backend, "restart").await;
        let clock = TestClock::new(DEC_2);
        let server = start(with_token(&database), &clock).await;
        send_all(&server, &three_walks()).await;
        server.stop().await;

        let server = start(with_token(&database), &clock).await;
        let summary = server.summary("").await;
        assert_eq!(
            summary["trees"][1],
            three_walks_summary("2026-12-02"),
            "{backend:?}"
        );
        // The migrations ran once: the reopened database takes more.
        send_all(&server, &three_walks()).await;
        assert_eq!(server.count().await, 36);
        server.stop().await;
    }
}

/// The binary, with `--insights DATABASE --insights-token TOKEN`.
fn spawn_binary(database: &str) -> (Child, SocketAddr) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_backup-doctor-server"))
        .args([
            "--port",
            "0",
            "--dist",
            "does-not-exist",
            "--insights",
            database,
        ])
        .env("BACKUP_DOCTOR_INSIGHTS_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the startup line");
    let address = line
        .trim_end()
        .strip_prefix("backup-doctor listening on http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("unexpected startup line {line:?}"));
    (child, address)
}

#[tokio::test]
async fn what_was_acknowledged_survives_the_process_being_killed() {
    for backend in backends() {
        let database = fresh_database(&backend, "killed").await;
        let before = Day::today().to_string();
        let (mut child, address) = spawn_binary(&database);
        for body in three_walks() {
            let answer = post_beacon(address, &body).await;
            assert_eq!(answer.status, 204, "{body}: {}", answer.body);
        }
        // SIGKILL: no shutdown, no flush; only what was committed is left.
        child.kill().expect("kill the server");
        let _ = child.wait();

        let (mut child, address) = spawn_binary(&database);
        let answer = get_summary(address, "", Some(TOKEN)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let summary: Value = serde_json::from_str(&answer.body).expect("JSON");
        // The real clock's day (the walk may have straddled midnight UTC).
        let after = Day::today().to_string();
        let day = summary["trees"][1]["byDay"][0]["day"]
            .as_str()
            .unwrap_or_default();
        let day = if day == after {
            after.clone()
        } else {
            before.clone()
        };
        assert_eq!(
            summary["trees"][1],
            three_walks_summary(&day),
            "{backend:?}"
        );
        child.kill().expect("kill the server");
        let _ = child.wait();
    }
}

#[tokio::test]
async fn a_client_over_its_burst_is_told_to_slow_down() {
    for backend in backends() {
        let database = fresh_database(&backend, "rate").await;
        let clock = TestClock::new(DEC_2);
        let config = InsightsConfig {
            burst: 5,
            per_minute: 1,
            ..with_token(&database)
        };
        let server = start(config, &clock).await;
        let body = beacon("started", "platform", json!({}));
        for _ in 0..5 {
            assert_eq!(server.beacon(&body).await.status, 204);
        }
        let refused = server.beacon(&body).await;
        assert_eq!(refused.status, 429, "{}", refused.body);
        assert!(refused.body.contains("slow down"), "{}", refused.body);
        let retry: u64 = refused
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .expect("Retry-After in seconds");
        assert!((1..=60).contains(&retry), "{retry}");
        assert_eq!(
            server.count().await,
            5,
            "{backend:?}: the refused one is not stored"
        );
        // Reading is not rate-limited.
        assert_eq!(server.summary("").await["trees"][0]["started"], 5);
        server.stop().await;
    }
}

#[tokio::test]
async fn date_and_language_filters_narrow_the_summary() {
    for backend in backends() {
        let database = fresh_database(&backend, "filters").await;
        let clock = TestClock::new(DEC_2 - 1);
        let server = start(with_token(&database), &clock).await;
        send_all(&server, &three_walks()).await;
        clock.set(DEC_2);
        let portuguese = |kind: &str, node: &str, extra: Value| {
            let mut body: Value = serde_json::from_str(&beacon(kind, node, extra)).expect("JSON");
            body["lang"] = "pt-BR".into();
            body.to_string()
        };
        send_all(
            &server,
            &[
                portuguese("started", "platform", json!({})),
                portuguese("step", "platform", json!({})),
                portuguese(
                    "outcome",
                    "fixed",
                    json!({"outcome": "resolved", "symptom": "ios-symptom:2"}),
                ),
            ],
        )
        .await;

        let main_tree = |summary: &Value| -> Value {
            summary["trees"]
                .as_array()
                .and_then(|t| t.iter().find(|t| t["tree"] == TREE))
                .cloned()
                .unwrap_or(Value::Null)
        };
        let all = server.summary("").await;
        let all_main = main_tree(&all);
        let days: Vec<&str> = all_main["byDay"]
            .as_array()
            .expect("byDay")
            .iter()
            .filter_map(|d| d["day"].as_str())
            .collect();
        assert_eq!(days, ["2026-12-01", "2026-12-02"], "{backend:?}");
        assert_eq!(main_tree(&all)["started"], 4);

        let first_day = server.summary("?from=2026-12-01&to=2026-12-01").await;
        assert_eq!(
            main_tree(&first_day),
            three_walks_summary("2026-12-01"),
            "{backend:?}"
        );
        assert_eq!(
            first_day["filter"],
            json!({"from": "2026-12-01", "to": "2026-12-01", "lang": null})
        );

        let second_day = server.summary("?from=2026-12-02").await;
        assert_eq!(
            second_day["trees"].as_array().map(Vec::len),
            Some(1),
            "{second_day}"
        );
        let tree = main_tree(&second_day);
        assert_eq!(
            (tree["started"].clone(), tree["resolved"].clone()),
            (json!(1), json!(1))
        );
        assert_eq!(tree["bySymptom"][0]["symptom"], "ios-symptom:2");

        let english = server.summary("?lang=en").await;
        assert_eq!(
            main_tree(&english),
            three_walks_summary("2026-12-01"),
            "{backend:?}"
        );
        let french = server.summary("?lang=fr&to=2026-12-31").await;
        let french_trees: Vec<&str> = french["trees"]
            .as_array()
            .expect("trees")
            .iter()
            .filter_map(|t| t["tree"].as_str())
            .collect();
        assert_eq!(french_trees, ["other-tree"]);
        assert_eq!(server.summary("?to=2026-11-30").await["trees"], json!([]));

        for (query, reason) in [
            ("?from=2026-12-02&to=2026-12-01", "is after"),
            ("?from=2026-02-30", "not a real date"),
            ("?lang=Portuguese", "language tag"),
            ("?tree=other-tree", "unknown parameter"),
        ] {
            let answer = get_summary(server.address, query, Some(TOKEN)).await;
            assert_eq!(answer.status, 400, "{query}");
            assert!(answer.body.contains(reason), "{query}: {}", answer.body);
        }
        server.stop().await;
    }
}

#[tokio::test]
async fn beacons_from_any_page_origin_pass_cors() {
    let database = fresh_database(&Backend::Sqlite, "cors").await;
    let clock = TestClock::new(DEC_2);
    let server = start(with_token(&database), &clock).await;
    let preflight = exchange(
        server.address,
        b"OPTIONS /__insights HTTP/1.1\r\nHost: t\r\nOrigin: https://help.example\r\n\
          Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\
          Connection: close\r\n\r\n",
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("content-type")
    );
    let wrong = exchange(
        server.address,
        b"GET /__insights HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(wrong.status, 405);
    assert!(
        wrong.body.contains("POST /__insights takes a beacon"),
        "{}",
        wrong.body
    );
    let plain = exchange(
        server.address,
        b"OPTIONS /__insights HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(plain.status, 204);
    assert!(plain.header("allow").is_some_and(|a| a.contains("POST")));
    let stored = server
        .beacon(&beacon("started", "platform", json!({})))
        .await;
    assert_eq!(stored.status, 204);
    assert_eq!(stored.header("access-control-allow-origin"), Some("*"));
    assert_eq!(stored.header("cache-control"), Some("no-store"));
    server.stop().await;
}

#[tokio::test]
async fn without_insights_the_endpoints_say_how_to_turn_them_on() {
    let (address, _) = common::spawn_server(common::endpoints_config()).await;
    let answer = post_beacon(address, &beacon("started", "platform", json!({}))).await;
    assert_eq!(answer.status, 404);
    assert!(answer.body.contains("--insights"), "{}", answer.body);
    let summary = get_summary(address, "", Some(TOKEN)).await;
    assert_eq!(summary.status, 404);
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_stops_the_start_with_the_reason() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-dir/deeper/insights.db");
    let output = Command::new(env!("CARGO_BIN_EXE_backup-doctor-server"))
        .args(["--port", "0", "--dist", "does-not-exist", "--insights"])
        .arg(format!("sqlite:{}", missing.display()))
        .output()
        .expect("run the server binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot open the insights database"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "no startup line");

    let output = Command::new(env!("CARGO_BIN_EXE_backup-doctor-server"))
        .args(["--port", "0", "--insights", "mysql://localhost/db"])
        .output()
        .expect("run the server binary");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("sqlite:PATH or postgres://"));
}

#[tokio::test]
async fn the_dashboard_is_served_with_a_strict_policy_only_when_insights_are_on() {
    let database = fresh_database(&Backend::Sqlite, "dashboard").await;
    let clock = TestClock::new(DEC_2);
    let server = start(with_token(&database), &clock).await;
    let get = |path: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").into_bytes()
    };
    let page = exchange(server.address, &get("/insights/")).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let policy = page.header("content-security-policy").expect("a CSP");
    assert!(
        policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"),
        "{policy}"
    );
    assert!(page
        .body
        .contains(r#"<script type="module" src="dashboard.js"></script>"#));
    assert!(!page.body.contains(TOKEN), "the page holds no secret");
    for (path, content_type) in [
        ("/insights/dashboard.js", "text/javascript; charset=utf-8"),
        ("/insights/dashboard.css", "text/css; charset=utf-8"),
        ("/insights/icon.svg", "image/svg+xml"),
    ] {
        let file = exchange(server.address, &get(path)).await;
        assert_eq!(file.status, 200, "{path}");
        assert_eq!(file.header("content-type"), Some(content_type), "{path}");
        assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
    }
    let bare = exchange(server.address, &get("/insights")).await;
    assert_eq!(bare.status, 308);
    assert_eq!(bare.header("location"), Some("/insights/"));
    server.stop().await;

    let (address, _) = common::spawn_server(common::endpoints_config()).await;
    assert_eq!(exchange(address, &get("/insights/")).await.status, 404);
    assert_eq!(
        exchange(address, &get("/insights/dashboard.js"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_beacon_the_database_refuses_is_not_acknowledged() {
    for backend in backends() {
        let database = fresh_database(&backend, "refused").await;
        let clock = TestClock::new(DEC_2);
        let server = start(with_token(&database), &clock).await;
        assert_eq!(
            server
                .beacon(&beacon("started", "platform", json!({})))
                .await
                .status,
            204
        );
        // Take the table away under the running server.
        match server.insights.store() {
            Store::Sqlite(pool) => sqlx::query("DROP TABLE counts")
                .execute(pool)
                .await
                .map(|_| ()),
            Store::Postgres(pool) => sqlx::query("DROP TABLE counts")
                .execute(pool)
                .await
                .map(|_| ()),
        }
        .expect("drop the table");
        let answer = server
            .beacon(&beacon("started", "platform", json!({})))
            .await;
        assert_eq!(answer.status, 503, "{backend:?}: {}", answer.body);
        assert_eq!(answer.header("retry-after"), Some("1"));
        assert!(
            answer.body.contains("could not store the beacon"),
            "{}",
            answer.body
        );
        let summary = get_summary(server.address, "", Some(TOKEN)).await;
        assert_eq!(summary.status, 500);
        assert!(
            summary.body.contains("could not be read"),
            "{}",
            summary.body
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn the_same_beacon_twice_is_one_counted_row_so_no_order_of_arrival_is_kept() {
    for backend in backends() {
        let database = fresh_database(&backend, "counted").await;
        let clock = TestClock::new(DEC_2);
        let server = start(with_token(&database), &clock).await;
        for node in ["platform", "android-symptom", "platform", "platform"] {
            assert_eq!(
                server.beacon(&beacon("step", node, json!({}))).await.status,
                204
            );
        }
        let sql = "SELECT node, CAST(beacons AS BIGINT) FROM counts ORDER BY node";
        let rows: Vec<(String, i64)> = match server.insights.store() {
            Store::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
            Store::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        }
        .expect("read the counts");
        assert_eq!(
            rows,
            [
                ("android-symptom".to_owned(), 1),
                ("platform".to_owned(), 3)
            ],
            "{backend:?}"
        );
    }
}
