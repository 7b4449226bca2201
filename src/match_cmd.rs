//! `tandem match`: an offline pairing preview from a roster CSV. No Slack, no
//! Redis. Reads files, runs the engine, renders text for people or JSON for
//! tools (the JSON doubles as `--history` for the next run).

use crate::config::{self, Config};
use crate::pairing::circles::form_circles;
use crate::pairing::history::{History, PastGroup};
use crate::pairing::roster::{parse_roster, Roster};
use crate::pairing::round::{plan_round, RoundPlan};
use crate::pairing::score::{Rules, Scorer, SCALE};
use crate::pairing::skills::SkillNormaliser;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `tandem match`'s arguments, as the command line declares them.
#[derive(Debug, Clone, clap::Args)]
pub struct MatchArgs {
    /// Roster CSV: id,name,team,level,timezone,offers,wants[,manager][,do_not_pair]
    #[arg(long)]
    pub roster: PathBuf,
    /// Past rounds: the JSON a previous `tandem match --format json` printed.
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// Simulate this many consecutive rounds, each feeding the history.
    #[arg(long, default_value_t = 1)]
    pub rounds: u32,
    /// Form circles of this size (3–6) instead of pairs.
    #[arg(long, value_name = "SIZE")]
    pub circles: Option<usize>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Seed for tie-breaking and circle search; same input + seed = same output.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Config file for weights (default: $TANDEM_CONFIG, else
    /// config/default.toml if present, else the built-in defaults).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// One simulated round.
pub struct RoundResult {
    pub plan: RoundPlan,
    /// Groups left together because all in them chose to keep meeting
    /// (roster indices), each with its number of rounds together.
    pub kept: Vec<(Vec<usize>, u32)>,
    /// Groups that asked to be kept but reached
    /// `pairing.max_rounds_together`, so they meet someone new.
    pub ended: Vec<Vec<usize>>,
}

/// Runs the preview; `Err` is the one line to print.
pub fn run(args: &MatchArgs, at: DateTime<Utc>) -> Result<String, String> {
    let config_path = config::locate(args.config.clone());
    let config = config::load_and_validate(config_path.as_deref()).map_err(|problems| {
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\ntandem: ")
    })?;
    let synonyms = config.skills.clone();
    let roster_text = read(&args.roster)?;
    let roster = parse_roster(&roster_text, &SkillNormaliser::new(&synonyms))
        .map_err(|e| format!("{}: {e}", args.roster.display()))?;
    if roster.people.len() < 2 {
        return Err(format!(
            "{}: a roster needs at least two people",
            args.roster.display()
        ));
    }
    let mut history = match &args.history {
        Some(path) => serde_json::from_str::<History>(&read(path)?).map_err(|e| {
            format!(
                "{}: not a Tandem history (expected the JSON that `tandem match --format json` prints): {e}",
                path.display()
            )
        })?,
        None => History::default(),
    };
    if let Some(size) = args.circles {
        if !(3..=6).contains(&size) {
            return Err(format!("--circles {size}: a circle has 3 to 6 people"));
        }
    }
    if !(1..=100).contains(&args.rounds) {
        return Err(format!(
            "--rounds {}: simulate 1 to 100 rounds",
            args.rounds
        ));
    }
    let results = simulate(&roster, &mut history, &config, args, at);
    Ok(match args.format {
        Format::Text => render_text(
            &roster,
            &results,
            args.circles.is_some(),
            config.pairing.max_rounds_together,
        ),
        Format::Json => render_json(&roster, &results),
    })
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

fn simulate(
    roster: &Roster,
    history: &mut History,
    config: &Config,
    args: &MatchArgs,
    at: DateTime<Utc>,
) -> Vec<RoundResult> {
    let everyone: Vec<usize> = (0..roster.people.len()).collect();
    let index = roster.index();
    let mut results = Vec::new();
    for r in 0..args.rounds {
        // Groups whose members all chose to keep meeting (marked `keep` in
        // the history's last round) stay together, as the live rounds do,
        // until they reach `pairing.max_rounds_together`.
        let (mut kept, mut ended) = (Vec::new(), Vec::new());
        for (group, together) in history.keep_requests() {
            let members: Option<Vec<usize>> = group
                .members
                .iter()
                .map(|id| index.get(id.as_str()).copied())
                .collect();
            let Some(members) = members else { continue }; // someone left
            if together >= config.pairing.max_rounds_together {
                ended.push(members);
            } else {
                kept.push((members, together + 1));
            }
        }
        let taken: HashSet<usize> = kept.iter().flat_map(|(m, _)| m.iter().copied()).collect();
        let free: Vec<usize> = everyone
            .iter()
            .copied()
            .filter(|i| !taken.contains(i))
            .collect();
        let scorer = Scorer::new(roster, history, Rules::from(&config.pairing), at);
        let seed = args.seed.wrapping_add(r as u64);
        let plan = match args.circles {
            Some(size) => {
                let groups = form_circles(&scorer, &free, size, seed);
                let total = groups.iter().map(|g| g.score).sum();
                RoundPlan {
                    groups,
                    sat_out: Vec::new(),
                    total,
                }
            }
            None => plan_round(&scorer, &free, seed),
        };
        let ids = |members: &[usize]| -> Vec<String> {
            members
                .iter()
                .map(|&i| roster.people[i].id.clone())
                .collect()
        };
        let mut groups: Vec<PastGroup> = kept
            .iter()
            .map(|(members, _)| PastGroup {
                members: ids(members),
                kept: true,
                keep: false,
            })
            .collect();
        groups.extend(plan.groups.iter().map(|g| PastGroup {
            members: ids(&g.members),
            ..PastGroup::default()
        }));
        history.push_groups(
            groups,
            plan.sat_out
                .iter()
                .map(|s| roster.people[s.person].id.clone())
                .collect(),
        );
        results.push(RoundResult { plan, kept, ended });
    }
    results
}

fn points(p: i64) -> f64 {
    (p as f64 / SCALE * 100.0).round() / 100.0
}

/// The JSON `--format json` prints (and `--history` reads back), written
/// straight from the plans: building it as a `serde_json::Value` tree first
/// copied every id and reason twice and was 0.28 s of a 100,000-member
/// run. Fields are in alphabetical order, as the `Value` maps printed them.
#[derive(Serialize)]
struct JsonRun<'a> {
    rounds: Vec<JsonRound<'a>>,
    total: f64,
}

#[derive(Serialize)]
struct JsonRound<'a> {
    groups: Vec<JsonGroup<'a>>,
    round: usize,
    sat_out: Vec<JsonSatOut<'a>>,
    total: f64,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonGroup<'a> {
    Kept {
        kept: bool,
        members: Vec<&'a str>,
        rounds_together: u32,
    },
    Planned {
        members: Vec<&'a str>,
        reasons: &'a [String],
        score: f64,
    },
}

#[derive(Serialize)]
struct JsonSatOut<'a> {
    id: &'a str,
    reason: &'a str,
}

fn render_json(roster: &Roster, results: &[RoundResult]) -> String {
    let ids = |members: &[usize]| -> Vec<&str> {
        members
            .iter()
            .map(|&m| roster.people[m].id.as_str())
            .collect()
    };
    let rounds = results
        .iter()
        .enumerate()
        .map(|(i, r)| JsonRound {
            groups: r
                .kept
                .iter()
                .map(|(members, together)| JsonGroup::Kept {
                    kept: true,
                    members: ids(members),
                    rounds_together: *together,
                })
                .chain(r.plan.groups.iter().map(|g| JsonGroup::Planned {
                    members: ids(&g.members),
                    reasons: &g.reasons,
                    score: points(g.score),
                }))
                .collect(),
            round: i + 1,
            sat_out: r
                .plan
                .sat_out
                .iter()
                .map(|s| JsonSatOut {
                    id: &roster.people[s.person].id,
                    reason: &s.reason,
                })
                .collect(),
            total: points(r.plan.total),
        })
        .collect();
    let total: i64 = results.iter().map(|r| r.plan.total).sum();
    let run = JsonRun {
        rounds,
        total: points(total),
    };
    let mut out = serde_json::to_string_pretty(&run).expect("plans serialise");
    out.push('\n');
    out
}

fn render_text(
    roster: &Roster,
    results: &[RoundResult],
    circles: bool,
    max_together: u32,
) -> String {
    let mut out = String::new();
    for (i, r) in results.iter().enumerate() {
        let mut sizes: HashMap<usize, usize> = HashMap::new();
        for g in &r.plan.groups {
            *sizes.entry(g.members.len()).or_default() += 1;
        }
        let summary = if circles {
            format!("{} circles", r.plan.groups.len())
        } else {
            let pairs = sizes.get(&2).copied().unwrap_or(0);
            let trios = sizes.get(&3).copied().unwrap_or(0);
            let mut s = format!("{pairs} pair{}", if pairs == 1 { "" } else { "s" });
            if trios > 0 {
                s.push_str(&format!(
                    " and {trios} trio{}",
                    if trios == 1 { "" } else { "s" }
                ));
            }
            if !r.kept.is_empty() {
                s.push_str(&format!(" (and {} kept together)", r.kept.len()));
            }
            s
        };
        out.push_str(&format!(
            "Round {} — {summary} for {} people · total score {:.2}\n\n",
            i + 1,
            roster.people.len(),
            points(r.plan.total)
        ));
        for (n, g) in r.plan.groups.iter().enumerate() {
            let names: Vec<String> = g
                .members
                .iter()
                .map(|&m| {
                    let p = &roster.people[m];
                    format!("{} ({})", p.name, p.team)
                })
                .collect();
            out.push_str(&format!(
                "{:>4}. {} — {:.2}\n",
                n + 1,
                names.join(" + "),
                points(g.score)
            ));
            // The teaching reason reads best alone; the rest fit on one line.
            if let Some((first, rest)) = g.reasons.split_first() {
                out.push_str(&format!("      {first}\n"));
                if !rest.is_empty() {
                    out.push_str(&format!("      {}\n", rest.join(" · ")));
                }
            }
        }
        let names = |members: &[usize]| -> String {
            members
                .iter()
                .map(|&m| {
                    let p = &roster.people[m];
                    format!("{} ({})", p.name, p.team)
                })
                .collect::<Vec<_>>()
                .join(" + ")
        };
        if !r.kept.is_empty() {
            out.push_str("\n  Kept together (all chose to keep meeting):\n");
            for (members, together) in &r.kept {
                out.push_str(&format!(
                    "    • {} — round {together} together\n",
                    names(members)
                ));
            }
        }
        for members in &r.ended {
            out.push_str(&format!(
                "\n  {} asked to keep meeting but have had {} rounds together: each meets someone new.\n",
                names(members),
                max_together
            ));
        }
        if !r.plan.sat_out.is_empty() {
            out.push_str("\n  Sitting out this round:\n");
            for s in &r.plan.sat_out {
                let p = &roster.people[s.person];
                out.push_str(&format!("    • {} ({}) — {}\n", p.name, p.id, s.reason));
            }
        }
        out.push('\n');
    }
    out
}
