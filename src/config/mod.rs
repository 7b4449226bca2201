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
    pub meetings: MeetingsConfig,
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
    /// Where each round's report (counts only) is posted; empty: nowhere.
    #[serde(default)]
    pub report_channel: String,
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

fn default_max_rounds_together() -> u32 {
    3
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairingConfig {
    pub max_level_gap: u32,
    pub min_overlap_hours: f64,
    pub no_repeat_rounds: u32,
    /// Most rounds in a row a pair who both keep choosing each other stay
    /// together, so people meet new colleagues too.
    #[serde(default = "default_max_rounds_together")]
    pub max_rounds_together: u32,
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
    #[serde(default = "default_silent_checkins")]
    pub silent_checkins: u32,
}

fn default_silent_checkins() -> u32 {
    3
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingsConfig {
    /// Working hours of anyone who has not set their own, `HH:MM-HH:MM`
    /// local (see [`crate::meeting_time::Workday::parse`]).
    pub working_hours: String,
    /// Length of the meeting an intro offers times for, in minutes.
    pub length_minutes: u32,
    /// Minutes before a confirmed meeting that each attendee is reminded.
    pub reminder_minutes: u32,
}

impl MeetingsConfig {
    /// `working_hours`, or 09:00–17:00 if it does not parse (validation
    /// has refused such a config before the app starts).
    pub fn workday(&self) -> crate::meeting_time::Workday {
        crate::meeting_time::Workday::parse(&self.working_hours).unwrap_or_default()
    }
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

/// The shipped `config/default.toml`, compiled in: with no file and no
/// `TANDEM_CONFIG`, Tandem runs on these, and a file only needs the keys it
/// changes.
pub const BUILT_IN: &str = include_str!("../../config/default.toml");
/// The shipped skill synonyms, used when no `skills.toml` sits beside the
/// config file.
pub const BUILT_IN_SKILLS: &str = include_str!("../../config/skills.toml");
/// How the built-in defaults are named as the source of a value.
pub const BUILT_IN_SOURCE: &str = "built-in default";

/// A configuration that loaded, with the figment kept for provenance look-ups.
pub struct Loaded {
    pub config: Config,
    pub figment: Figment,
    /// The file read over the built-in defaults, if any.
    pub path: Option<PathBuf>,
}

/// Which config file to read: `--config`, else `TANDEM_CONFIG`, else
/// `config/default.toml` when the working directory has one; `None` means
/// the built-in defaults alone. A file named explicitly must exist.
pub fn locate(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit
        .or_else(|| std::env::var_os("TANDEM_CONFIG").map(PathBuf::from))
        .or_else(|| {
            let default = PathBuf::from(DEFAULT_CONFIG_PATH);
            default.is_file().then_some(default)
        })
}

/// Loads the built-in defaults, the file at `path` over them, and the
/// process's `TANDEM__…` variables over both.
pub fn load(path: Option<&Path>) -> Result<Loaded, Vec<Problem>> {
    load_with_env(path, Env::prefixed("TANDEM__").split("__"))
}

/// As [`load`], with an explicit override provider; tests pass their own
/// variables here instead of mutating the process environment.
pub fn load_with_env(path: Option<&Path>, env: Env) -> Result<Loaded, Vec<Problem>> {
    let display = path.map_or(BUILT_IN_SOURCE.to_owned(), |p| p.display().to_string());
    let mut figment = Figment::new().merge(Toml::string(BUILT_IN));
    if let Some(path) = path {
        if !path.is_file() {
            return Err(vec![Problem {
                source: display,
                key: "-".into(),
                message: "config file not found (check TANDEM_CONFIG or --config; without either, \
                          Tandem runs on its built-in defaults)"
                    .into(),
            }]);
        }
        figment = figment.merge(Toml::file_exact(path));
    }
    let figment = figment.merge(env);
    match figment.extract::<Config>() {
        Ok(mut config) => Ok(Loaded {
            config: {
                config.skills = load_skills(path).map_err(|p| vec![p])?;
                config
            },
            figment,
            path: path.map(Path::to_owned),
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
pub fn load_and_validate(path: Option<&Path>) -> Result<Config, Vec<Problem>> {
    let loaded = load(path)?;
    let problems = validate(&loaded);
    if problems.is_empty() {
        Ok(loaded.config)
    } else {
        Err(problems)
    }
}

/// Every key of the effective configuration (dotted), its value as TOML
/// and where it came from, in order: what `tandem config` prints. The
/// configuration holds no secrets (those are environment settings).
pub fn effective(loaded: &Loaded) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let Ok(value) = loaded.figment.extract::<toml::Value>() {
        flatten("", &value, &mut out);
    }
    out.into_iter()
        .map(|(key, value)| {
            let source = loaded.source_of(&key);
            (key, value, source)
        })
        .collect()
}

fn flatten(prefix: &str, value: &toml::Value, out: &mut Vec<(String, String)>) {
    match value {
        toml::Value::Table(table) => {
            for (k, v) in table {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

impl Loaded {
    /// The file, variable or built-in default that supplied `key` (dotted).
    pub fn source_of(&self, key: &str) -> String {
        let file = self
            .path
            .as_ref()
            .map_or(BUILT_IN_SOURCE.to_owned(), |p| p.display().to_string());
        describe_source(self.figment.find_metadata(key), key, &file)
    }
}

fn describe_source(metadata: Option<&figment::Metadata>, key: &str, file: &str) -> String {
    match metadata {
        Some(m) => match &m.source {
            Some(figment::Source::File(p)) => p.display().to_string(),
            Some(figment::Source::Custom(s)) => s.clone(),
            // The compiled-in `config/default.toml`.
            _ if m.name.ends_with("source string") => BUILT_IN_SOURCE.to_owned(),
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

/// The skill synonyms (canonical → other names): from `skills.toml` beside
/// the config file when there is one, else the built-in list.
pub fn load_skills(
    config_path: Option<&Path>,
) -> Result<std::collections::HashMap<String, Vec<String>>, Problem> {
    let beside = config_path.map(skills_path).filter(|p| p.is_file());
    let (text, source) = match &beside {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| Problem {
                source: path.display().to_string(),
                key: "-".into(),
                message: format!("cannot read: {e}"),
            })?,
            path.display().to_string(),
        ),
        None => (BUILT_IN_SKILLS.to_owned(), BUILT_IN_SOURCE.to_owned()),
    };
    toml::from_str::<SkillsFile>(&text)
        .map(|f| f.synonyms)
        .map_err(|e| Problem {
            source,
            key: "synonyms".into(),
            message: e.message().to_owned(),
        })
}
