//! Secrets and endpoints taken from the environment (never from the config
//! file), checked once at start-up so that a missing token is one clear line,
//! not a failure deep inside a request.

use secrecy::{ExposeSecret, SecretString};

/// Default Slack Web API base.
pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api";

/// How the bot receives Slack's traffic.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Outbound WebSocket; no public URL needed. Carries the `xapp-` token.
    SocketMode { app_token: SecretString },
    /// Slack POSTs to our endpoints; every request is signature-checked.
    Http { signing_secret: SecretString },
}

/// Everything secret or deployment-specific that the bot needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bot_token: SecretString,
    pub transport: Transport,
    pub slack_api_url: String,
    /// `None` (and no cluster) means the in-memory store.
    pub redis_url: Option<SecretString>,
    /// A Redis Cluster's seed nodes (`REDIS_CLUSTER_URLS`, comma-separated);
    /// secret, as URLs may carry a password.
    pub redis_cluster_urls: Option<Vec<SecretString>>,
    /// PEM file of the CA that signed a `rediss://` server's certificate,
    /// for private CAs (`REDIS_CA_FILE`); the system's roots otherwise.
    pub redis_ca_file: Option<std::path::PathBuf>,
    /// Base64 key for encrypting members' text at rest (already checked).
    pub encryption_key: Option<SecretString>,
}

/// A start-up problem with one variable, phrased for the person deploying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl Settings {
    /// Reads and checks the variables through `get` (the process environment
    /// in production, a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let non_empty = |name: &str| get(name).filter(|v| !v.trim().is_empty());

        let bot_token = non_empty("SLACK_BOT_TOKEN").ok_or_else(|| {
            SettingsError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your \
                 Slack app's \"OAuth & Permissions\" page (see README, \"Create the Slack app\")"
                    .into(),
            )
        })?;
        if !bot_token.starts_with("xoxb-") {
            return Err(SettingsError(
                "SLACK_BOT_TOKEN does not look like a bot token: it must start with \"xoxb-\" \
                 (the Bot User OAuth Token on the \"OAuth & Permissions\" page, not a user or app token)"
                    .into(),
            ));
        }

        let transport =
            match non_empty("SLACK_APP_TOKEN") {
                Some(app_token) if app_token.starts_with("xapp-") => Transport::SocketMode {
                    app_token: app_token.into(),
                },
                Some(_) => return Err(SettingsError(
                    "SLACK_APP_TOKEN does not look like an app-level token: it must start with \
                     \"xapp-\" (create one with the connections:write scope under \"Basic \
                     Information → App-Level Tokens\"), or unset it to run in HTTP mode"
                        .into(),
                )),
                None => {
                    let signing_secret = non_empty("SLACK_SIGNING_SECRET").ok_or_else(|| {
                        SettingsError(
                        "SLACK_SIGNING_SECRET is not set: HTTP mode (no SLACK_APP_TOKEN) needs it \
                         to verify Slack's requests; copy the Signing Secret from your app's \
                         \"Basic Information\" page, or set SLACK_APP_TOKEN for Socket Mode"
                            .into(),
                    )
                    })?;
                    Transport::Http {
                        signing_secret: signing_secret.into(),
                    }
                }
            };

        let slack_api_url = non_empty("SLACK_API_URL")
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| DEFAULT_SLACK_API_URL.to_owned());
        if !(slack_api_url.starts_with("https://") || slack_api_url.starts_with("http://")) {
            return Err(SettingsError(format!(
                "SLACK_API_URL must be an http(s) URL such as {DEFAULT_SLACK_API_URL}"
            )));
        }

        let redis_url = non_empty("REDIS_URL");
        if let Some(url) = &redis_url {
            if !(url.starts_with("redis://")
                || url.starts_with("rediss://")
                || url.starts_with("unix://")
                || url.starts_with("redis+unix://"))
            {
                return Err(SettingsError(
                    "REDIS_URL must look like redis://127.0.0.1:6379/0 (or unset it for the \
                     in-memory store)"
                        .into(),
                ));
            }
        }

        let redis_cluster_urls: Option<Vec<String>> = non_empty("REDIS_CLUSTER_URLS").map(|v| {
            v.split(',')
                .map(|u| u.trim().to_owned())
                .filter(|u| !u.is_empty())
                .collect()
        });
        if let Some(urls) = &redis_cluster_urls {
            if redis_url.is_some() {
                return Err(SettingsError(
                    "REDIS_URL and REDIS_CLUSTER_URLS are both set: set REDIS_URL for one Redis \
                     server, or REDIS_CLUSTER_URLS (the cluster's seed nodes) for a Redis Cluster"
                        .into(),
                ));
            }
            if urls.is_empty()
                || urls
                    .iter()
                    .any(|u| !(u.starts_with("redis://") || u.starts_with("rediss://")))
            {
                return Err(SettingsError(
                    "REDIS_CLUSTER_URLS must list the cluster's seed nodes, comma-separated, \
                     such as redis://10.0.0.1:7000,redis://10.0.0.2:7001 (rediss:// for TLS)"
                        .into(),
                ));
            }
        }

        let redis_ca_file = non_empty("REDIS_CA_FILE").map(std::path::PathBuf::from);
        if let Some(path) = &redis_ca_file {
            if !path.is_file() {
                return Err(SettingsError(format!(
                    "REDIS_CA_FILE {} is not a readable file (the PEM of the CA that signed \
                     your Redis server's certificate)",
                    path.display()
                )));
            }
        }

        let encryption_key = non_empty("TANDEM_ENCRYPTION_KEY");
        if let Some(key) = &encryption_key {
            crate::crypto::Sealer::from_base64_key(key)
                .map_err(|e| SettingsError(e.to_string()))?;
        }

        Ok(Settings {
            bot_token: bot_token.into(),
            transport,
            slack_api_url,
            redis_url: redis_url.map(Into::into),
            redis_cluster_urls: redis_cluster_urls
                .map(|urls| urls.into_iter().map(Into::into).collect()),
            redis_ca_file,
            encryption_key: encryption_key.map(Into::into),
        })
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn mode_name(&self) -> &'static str {
        match self.transport {
            Transport::SocketMode { .. } => "socket",
            Transport::Http { .. } => "http",
        }
    }
}

/// Exposes a secret for the one call that needs it; grep for this to audit.
pub fn expose(secret: &SecretString) -> &str {
    secret.expose_secret()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn missing_bot_token_names_the_variable_and_where_to_get_it() {
        let err = from(&[]).unwrap_err().0;
        assert!(err.starts_with("SLACK_BOT_TOKEN is not set"));
        assert!(err.contains("OAuth & Permissions"));
    }

    #[test]
    fn app_token_selects_socket_mode() {
        let s = from(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_APP_TOKEN", "xapp-1")]).unwrap();
        assert_eq!(s.mode_name(), "socket");
        assert_eq!(s.slack_api_url, DEFAULT_SLACK_API_URL);
        assert!(s.redis_url.is_none());
    }

    #[test]
    fn cluster_seed_nodes_are_read_and_checked() {
        let base = [("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_APP_TOKEN", "xapp-1")];
        let with = |extra: &[(&str, &str)]| from(&[&base[..], extra].concat());
        let s = with(&[(
            "REDIS_CLUSTER_URLS",
            "redis://10.0.0.1:7000, rediss://:pw@10.0.0.2:7001,",
        )])
        .unwrap();
        let seeds: Vec<&str> = s
            .redis_cluster_urls
            .as_ref()
            .unwrap()
            .iter()
            .map(expose)
            .collect();
        assert_eq!(
            seeds,
            ["redis://10.0.0.1:7000", "rediss://:pw@10.0.0.2:7001"]
        );
        assert!(!format!("{s:?}").contains(":pw@"), "seed URLs are secret");
        let both = with(&[
            ("REDIS_URL", "redis://127.0.0.1:6379/0"),
            ("REDIS_CLUSTER_URLS", "redis://10.0.0.1:7000"),
        ])
        .unwrap_err()
        .0;
        assert!(
            both.starts_with("REDIS_URL and REDIS_CLUSTER_URLS are both set"),
            "{both}"
        );
        for bad in ["10.0.0.1:7000", "http://x:1", ","] {
            let err = with(&[("REDIS_CLUSTER_URLS", bad)]).unwrap_err().0;
            assert!(
                err.starts_with("REDIS_CLUSTER_URLS must list"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn http_mode_needs_signing_secret() {
        let err = from(&[("SLACK_BOT_TOKEN", "xoxb-1")]).unwrap_err().0;
        assert!(err.starts_with("SLACK_SIGNING_SECRET is not set"));
    }

    #[test]
    fn malformed_tokens_are_named() {
        assert!(from(&[("SLACK_BOT_TOKEN", "xoxp-1")])
            .unwrap_err()
            .0
            .starts_with("SLACK_BOT_TOKEN does not look like"));
        assert!(
            from(&[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_APP_TOKEN", "xoxb-2")])
                .unwrap_err()
                .0
                .starts_with("SLACK_APP_TOKEN does not look like")
        );
    }

    #[test]
    fn encryption_key_is_checked() {
        let err = from(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_APP_TOKEN", "xapp-1"),
            ("TANDEM_ENCRYPTION_KEY", "nope"),
        ])
        .unwrap_err()
        .0;
        assert!(
            err.starts_with("TANDEM_ENCRYPTION_KEY must be 32 bytes in base64"),
            "{err}"
        );
    }

    #[test]
    fn secrets_never_print() {
        let s = from(&[
            ("SLACK_BOT_TOKEN", "xoxb-supersecret"),
            ("SLACK_SIGNING_SECRET", "shh"),
        ])
        .unwrap();
        let debug = format!("{s:?}");
        assert!(
            !debug.contains("supersecret") && !debug.contains("shh"),
            "{debug}"
        );
    }
}
