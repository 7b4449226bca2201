//! Program configuration: `config/default.toml` (or `TANDEM_CONFIG`), then
//! `TANDEM__SECTION__KEY` environment overrides.
//!
//! Loading keeps figment's provenance so that every problem can be reported
//! with the file or variable that supplied the bad value — an admin fixing a
//! deployment needs to know *where* to look, not only what is wrong.
//! Secrets never live here; see [`crate::settings`].

mod validate;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub use validate::validate;

/// Default location of the config file, relative to the working directory.
pub const DEFAULT_CONFIG_PATH: &str = "config/default.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub store: StoreConfig,
    pub program: ProgramConfig,
    pub pairing: PairingConfig,
    pub circles: CirclesConfig,
    pub nudges: NudgesConfig,
    pub scheduler: SchedulerConfig,
    pub slack: SlackConfig,
    /// Skill synonyms from `skills.toml` beside the config file.
    #[serde(skip)]
    pub skills: std::collections::HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    pub port: u16,
    pub max_body_bytes: usize,
    pub shutdown_grace_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    pub key_prefix: String,
    pub event_dedupe_ttl_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramConfig {
    pub admins: Vec<String>,
    pub channel: String,
    pub default_timezone: String,
    pub round_schedule: String,
    pub checkin_schedule: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OddOneOut {
    Trio,
    SitOut,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairingConfig {
    pub max_level_gap: u32,
    pub min_overlap_hours: f64,
    pub no_repeat_rounds: u32,
    pub candidates_per_person: usize,
    pub odd_one_out: OddOneOut,
    pub weights: Weights,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub teach: f64,
    pub mutual_bonus: f64,
    pub level_closeness: f64,
    pub different_team: f64,
    pub overlap_per_hour: f64,
    pub repeat_penalty: f64,
    pub same_team_goal_penalty: f64,
}

impl Weights {
    /// Every weight with its key, for validation and reports.
    pub fn named(&self) -> [(&'static str, f64); 7] {
        [
            ("teach", self.teach),
            ("mutual_bonus", self.mutual_bonus),
            ("level_closeness", self.level_closeness),
            ("different_team", self.different_team),
            ("overlap_per_hour", self.overlap_per_hour),
            ("repeat_penalty", self.repeat_penalty),
            ("same_team_goal_penalty", self.same_team_goal_penalty),
        ]
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CirclesConfig {
    pub size: usize,
    pub prompt_schedule: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NudgesConfig {
    pub stale_checkins: u32,
    pub fizzle_rounds: u32,
    pub reminder_after_hours: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchedulerConfig {
    pub tick_ms: u64,
    pub lease_secs: u64,
    pub batch: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackConfig {
    /// Longest wait to connect to Slack, for a write to go through, or
    /// between two reads of an answer, per attempt.
    pub timeout_ms: u64,
}

/// One thing wrong with the configuration, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file path or `environment variable NAME` that supplied the value.
    pub source: String,
    /// Dotted key, e.g. `program.round_schedule`.
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.source, self.key, self.message)
    }
}

/// A configuration that loaded, with the figment kept for provenance look-ups.
pub struct Loaded {
    pub config: Config,
    pub figment: Figment,
    pub path: PathBuf,
}

/// Where the config file is: `TANDEM_CONFIG`, else [`DEFAULT_CONFIG_PATH`].
pub fn config_path_from_env() -> PathBuf {
    std::env::var_os("TANDEM_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH))
}

/// Loads the file at `path` plus the process's `TANDEM__…` variables.
pub fn load(path: &Path) -> Result<Loaded, Vec<Problem>> {
    load_with_env(path, Env::prefixed("TANDEM__").split("__"))
}

/// Loads `path` with an explicit override provider; tests pass their own
/// variables here instead of mutating the process environment.
pub fn load_with_env(path: &Path, env: Env) -> Result<Loaded, Vec<Problem>> {
    let display = path.display().to_string();
    if !path.is_file() {
        return Err(vec![Problem {
            source: display,
            key: "-".into(),
            message: "config file not found (set TANDEM_CONFIG or run from the repository root)"
                .into(),
        }]);
    }
    let figment = Figment::new().merge(Toml::file_exact(path)).merge(env);
    match figment.extract::<Config>() {
        Ok(mut config) => Ok(Loaded {
            config: {
                config.skills = load_skills(&skills_path(path)).map_err(|p| vec![p])?;
                config
            },
            figment,
            path: path.to_owned(),
        }),
        Err(errors) => Err(errors
            .into_iter()
            .map(|e| {
                let key = if e.path.is_empty() {
                    "-".to_owned()
                } else {
                    e.path.join(".")
                };
                Problem {
                    source: describe_source(e.metadata.as_ref(), &key, &display),
                    key,
                    message: e.kind.to_string(),
                }
            })
            .collect()),
    }
}

/// Loads and validates; any problem at all is returned.
pub fn load_and_validate(path: &Path) -> Result<Config, Vec<Problem>> {
    let loaded = load(path)?;
    let problems = validate(&loaded);
    if problems.is_empty() {
        Ok(loaded.config)
    } else {
        Err(problems)
    }
}

impl Loaded {
    /// The file or variable that supplied `key` (dotted).
    pub fn source_of(&self, key: &str) -> String {
        describe_source(
            self.figment.find_metadata(key),
            key,
            &self.path.display().to_string(),
        )
    }
}

fn describe_source(metadata: Option<&figment::Metadata>, key: &str, file: &str) -> String {
    match metadata {
        Some(m) => match &m.source {
            Some(figment::Source::File(p)) => p.display().to_string(),
            Some(figment::Source::Custom(s)) => s.clone(),
            // Env overrides carry no source; rebuild the variable's name
            // from the key path (figment lower-cases it on the way in).
            _ if m.name.contains("environment") => format!(
                "environment variable TANDEM__{}",
                key.replace('.', "__").to_uppercase()
            ),
            _ => file.to_owned(),
        },
        None => file.to_owned(),
    }
}

/// `skills.toml` beside the config file.
pub fn skills_path(config_path: &Path) -> PathBuf {
    config_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("skills.toml")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkillsFile {
    #[serde(default)]
    synonyms: std::collections::HashMap<String, Vec<String>>,
}

/// The skill synonyms (canonical → other names). A missing file means none.
pub fn load_skills(path: &Path) -> Result<std::collections::HashMap<String, Vec<String>>, Problem> {
    if !path.is_file() {
        return Ok(Default::default());
    }
    let text = std::fs::read_to_string(path).map_err(|e| Problem {
        source: path.display().to_string(),
        key: "-".into(),
        message: format!("cannot read: {e}"),
    })?;
    toml::from_str::<SkillsFile>(&text)
        .map(|f| f.synonyms)
        .map_err(|e| Problem {
            source: path.display().to_string(),
            key: "synonyms".into(),
            message: e.message().to_owned(),
        })
}
