//! The `backup-doctor-server` binary: parses flags, binds, prints the one
//! startup line test harnesses wait for, and serves until Ctrl-C / SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use backup_doctor_server::{serve, Args};
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
    let mut stdout = std::io::stdout().lock();
    let announced = writeln!(stdout, "backup-doctor listening on http://{address}/")
        .and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(error) = announced {
        eprintln!("backup-doctor: cannot write the startup line: {error}");
        return ExitCode::FAILURE;
    }
    match serve(listener, config, shutdown_signal()).await {
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
