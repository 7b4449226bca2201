//! One tracing subscriber for the process. `RUST_LOG` filters; the default
//! keeps our own info logs and only warnings from libraries.

use tracing_subscriber::EnvFilter;

pub const DEFAULT_FILTER: &str = "warn,tandem=info";

/// Installs the global subscriber, writing to `writer`. Safe to call more than
/// once (later calls are ignored), which tests rely on.
pub fn init<W>(writer: W)
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        // Colour only for a person at a terminal; log collectors (and
        // tests reading logs) get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
