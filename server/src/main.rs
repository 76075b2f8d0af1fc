//! The `backup-doctor-server` binary: parses flags, binds, prints the one
//! startup line test harnesses wait for, and serves until Ctrl-C / SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use std::sync::Arc;

use backup_doctor_server::insights::Insights;
use backup_doctor_server::{router_with_insights, serve_router, Args, Stats};
use clap::Parser;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "backup-doctor: cannot listen on {}:{}: {error}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => {
            eprintln!("backup-doctor: cannot read the listening address: {error}");
            return ExitCode::FAILURE;
        }
    };
    let config = args.config();
    if !config.dist.join("index.html").exists() {
        eprintln!(
            "backup-doctor: {} has no index.html yet; / will say so until the widget is built (cargo xtask serve)",
            config.dist.display()
        );
    }
    if config.insights.is_none() && args.insights_token.is_some() {
        eprintln!(
            "backup-doctor: an insights token is set but --insights is not, so nothing is collected or read"
        );
    }
    let insights = match &config.insights {
        None => None,
        Some(wanted) => match Insights::open(wanted).await {
            Ok(insights) => {
                eprintln!(
                    "backup-doctor: insights: collecting beacons at POST /__insights into {}",
                    insights.store().backend()
                );
                if !insights.reading_enabled() {
                    eprintln!(
                        "backup-doctor: insights: no --insights-token (or BACKUP_DOCTOR_INSIGHTS_TOKEN), so GET /__insights/summary refuses every request"
                    );
                }
                Some(insights)
            }
            Err(error) => {
                eprintln!("backup-doctor: {error}");
                return ExitCode::FAILURE;
            }
        },
    };
    let mut stdout = std::io::stdout().lock();
    let announced = writeln!(stdout, "backup-doctor listening on http://{address}/")
        .and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(error) = announced {
        eprintln!("backup-doctor: cannot write the startup line: {error}");
        return ExitCode::FAILURE;
    }
    let header_read_timeout = config.header_read_timeout;
    let app = router_with_insights(config, Arc::new(Stats::default()), insights);
    match serve_router(listener, app, header_read_timeout, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("backup-doctor: server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on Ctrl-C, or on SIGTERM where there is one.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
