//! `tandem org import FILE.csv`: an org chart (`user_id,manager_id`, one
//! row per person; an empty manager clears it) loaded into the members'
//! profiles, so rounds and circles never group anyone with their manager or
//! their reports. Runs with the service's own environment (`REDIS_URL` or
//! `REDIS_CLUSTER_URLS`, `TANDEM_ENCRYPTION_KEY`, and `SLACK_BOT_TOKEN` to
//! learn the workspace).

use crate::app::{App, OrgImport};
use crate::ids::UserId;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct OrgArgs {
    #[command(subcommand)]
    command: OrgCommand,
}

#[derive(Debug, clap::Subcommand)]
enum OrgCommand {
    /// Load managers from a CSV with the columns user_id,manager_id.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Config file over the built-in defaults (as for serve).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

/// The rows of an org chart CSV; a problem names its line.
pub fn parse_csv(text: &str) -> Result<Vec<(UserId, Option<UserId>)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    if headers.iter().collect::<Vec<_>>() != ["user_id", "manager_id"] {
        return Err("line 1: the header must be user_id,manager_id".into());
    }
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let id = |cell: &str, what: &str| {
            UserId::parse(cell)
                .ok()
                .filter(|_| cell.starts_with(['U', 'W']))
                .ok_or_else(|| {
                    format!("line {line}: {what} {cell:?} is not a Slack user id (U… or W…)")
                })
        };
        let user = id(record.get(0).unwrap_or_default(), "user_id")?;
        let manager = match record.get(1).unwrap_or_default() {
            "" => None,
            m => Some(id(m, "manager_id")?),
        };
        if manager.as_ref() == Some(&user) {
            return Err(format!("line {line}: {user} is named as their own manager"));
        }
        if !seen.insert(user.clone()) {
            return Err(format!("line {line}: {user} appears twice"));
        }
        rows.push((user, manager));
    }
    Ok(rows)
}

/// What an import did, in one line.
pub fn summary(done: &OrgImport) -> String {
    format!(
        "org chart loaded: {} managers set, {} cleared, {} unchanged; {} rows about people who have not joined the program were left alone\n",
        done.set, done.cleared, done.unchanged, done.not_members
    )
}

/// Runs `tandem org …`; the output, or one line saying what went wrong.
pub async fn run(args: &OrgArgs) -> Result<String, String> {
    let OrgCommand::Import { file, config } = &args.command;
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("could not read {}: {e}", file.display()))?;
    let rows = parse_csv(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let path = crate::config::locate(config.clone());
    let config = crate::config::load_and_validate(path.as_deref()).map_err(|problems| {
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let settings = crate::settings::Settings::from_env().map_err(|e| e.to_string())?;
    if settings.redis_url.is_none() && settings.redis_cluster_urls.is_none() {
        return Err("REDIS_URL (or REDIS_CLUSTER_URLS) is not set: the org chart goes into the service's Redis".into());
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let keys = crate::store::Keys::new(config.store.key_prefix.clone());
    let store = crate::startup::open_store(&settings, keys)
        .await
        .map_err(|e| format!("{e:#}"))?;
    let sealer = match &settings.encryption_key {
        Some(key) => crate::crypto::Sealer::from_base64_key(crate::settings::expose(key))
            .map_err(|e| e.to_string())?,
        None => crate::crypto::Sealer::clear(),
    };
    // The same key check the service makes: never write with another key.
    crate::app::key_check::check(store.as_ref(), &sealer)
        .await
        .map_err(|e| e.to_string())?;
    let timeouts = crate::slack::client::Timeouts::from_config(&config.slack);
    let client = crate::slack::client::build_client(&settings.slack_api_url, timeouts)
        .map_err(|e| format!("could not load the system's TLS root certificates: {e}"))?;
    let api = crate::slack::SlackApi::new(
        client.clone(),
        client,
        &settings.bot_token,
        crate::metrics::Metrics::new(),
    );
    let team = api
        .check_token()
        .await
        .map_err(|e| e.to_string())?
        .ok_or("could not learn the workspace from Slack (auth.test); try again")?;
    let app = App::new(
        std::sync::Arc::new(config),
        store,
        sealer,
        std::sync::Arc::new(crate::slack::outbound::SlackWorkspace::new(api)),
        std::sync::Arc::new(crate::clock::SystemClock),
    );
    let done = app
        .import_org(&team, &rows)
        .await
        .map_err(|e| format!("org chart not fully loaded: {e:#}"))?;
    Ok(summary(&done))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_and_problems_name_their_line() {
        let rows = parse_csv("user_id,manager_id\nU0ANA,U0SAM\n U0BEN , \n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.as_ref().map(|m| m.as_str()), Some("U0SAM"));
        assert_eq!(rows[1].1, None);
        assert_eq!(
            parse_csv("user,manager\n").unwrap_err(),
            "line 1: the header must be user_id,manager_id"
        );
        assert!(parse_csv("user_id,manager_id\nU0ANA,sam\n")
            .unwrap_err()
            .starts_with("line 2: manager_id \"sam\" is not a Slack user id"));
        assert_eq!(
            parse_csv("user_id,manager_id\nU0ANA,U0ANA\n").unwrap_err(),
            "line 2: U0ANA is named as their own manager"
        );
        assert_eq!(
            parse_csv("user_id,manager_id\nU0ANA,U0SAM\nU0ANA,U0BOB\n").unwrap_err(),
            "line 3: U0ANA appears twice"
        );
    }
}
