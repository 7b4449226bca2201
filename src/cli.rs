//! The `tandem` command line. Every failure is one clear line on stderr and a
//! non-zero exit — never a panic or a backtrace.

use crate::config::{self, Problem};
use crate::settings::Settings;
use crate::startup::{shutdown_signal, Application, Bind};
use clap::{Parser, Subcommand};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "Peer mentoring in Slack: complementary pairs, circles and check-ins"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP mode.
    Serve {
        /// Port for HTTP mode and for /healthz, /readyz, /metrics.
        #[arg(long, env = "PORT")]
        port: Option<u16>,
        /// Config file over the built-in defaults (default: $TANDEM_CONFIG,
        /// else config/default.toml if present, else none).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Offline pairing preview from a roster CSV (no Slack, no Redis).
    Match(crate::match_cmd::MatchArgs),
    /// The org chart: `tandem org import FILE.csv` (user_id,manager_id)
    /// sets members' managers, so nobody is paired with theirs.
    Org(crate::org_cmd::OrgArgs),
    /// Load and validate the configuration; print each problem with its file
    /// (or variable) and key; exit 1 on any.
    CheckConfig {
        /// Config file over the built-in defaults (default: $TANDEM_CONFIG,
        /// else config/default.toml if present, else none).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print the effective configuration, each value with where it came
    /// from (built-in default, file, or TANDEM__ variable).
    Config {
        /// Config file over the built-in defaults (default: $TANDEM_CONFIG,
        /// else config/default.toml if present, else none).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

/// Parses arguments and runs; the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckConfig { config } => check_config(config),
        Command::Config { config } => show_config(config),
        Command::Serve { port, config } => serve(port, config),
        Command::Org(args) => org(&args),
        Command::Match(args) => printed(crate::match_cmd::run(&args, chrono::Utc::now())),
    }
}

fn org(args: &crate::org_cmd::OrgArgs) -> ExitCode {
    crate::telemetry::init(std::io::stderr);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tandem: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    printed(runtime.block_on(crate::org_cmd::run(args)))
}

fn print_problems(problems: &[Problem]) {
    for p in problems {
        eprintln!("tandem: {p}");
    }
}

/// What the configuration is read from, in words.
fn origin(path: Option<&std::path::Path>) -> String {
    match path {
        Some(p) => p.display().to_string(),
        None => "built-in defaults (no config file)".to_owned(),
    }
}

fn check_config(path: Option<PathBuf>) -> ExitCode {
    let path = config::locate(path);
    match config::load_and_validate(path.as_deref()) {
        Ok(_) => {
            println!("{}: configuration is valid", origin(path.as_deref()));
            ExitCode::SUCCESS
        }
        Err(problems) => {
            print_problems(&problems);
            eprintln!(
                "tandem: {} problem{} found",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}

fn show_config(path: Option<PathBuf>) -> ExitCode {
    let path = config::locate(path);
    let loaded = match config::load(path.as_deref()) {
        Ok(l) => l,
        Err(problems) => {
            print_problems(&problems);
            return ExitCode::FAILURE;
        }
    };
    println!(
        "# Effective configuration: built-in defaults{}, then TANDEM__ variables.",
        path.as_deref()
            .map_or(String::new(), |p| format!(", then {}", p.display()))
    );
    for (key, value, source) in config::effective(&loaded) {
        println!("{key} = {value}  # {source}");
    }
    let problems = config::validate(&loaded);
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        print_problems(&problems);
        ExitCode::FAILURE
    }
}

fn serve(port: Option<u16>, path: Option<PathBuf>) -> ExitCode {
    crate::telemetry::init(std::io::stderr);
    let path = config::locate(path);
    let config = match config::load_and_validate(path.as_deref()) {
        Ok(c) => c,
        Err(problems) => {
            print_problems(&problems);
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(config = %origin(path.as_deref()), "configuration loaded");
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tandem: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bind = Bind {
        host: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        port: port.unwrap_or(config.server.port),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tandem: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let app = Application::build(config, settings, bind).await?;
        app.run_until_stopped(shutdown_signal()).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tandem: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A command's output on stdout, or its one-line failure on stderr.
fn printed(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(line) => {
            eprintln!("tandem: {line}");
            ExitCode::FAILURE
        }
    }
}
