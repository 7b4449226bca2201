//! `/tandem admin export [30d|90d|all]`: a CSV of counts in the admin's DM
//! — one row per member and one per round, never a goal, note, answer or
//! comment. Member rows carry no name or id (a row number, in random
//! order): the export shows how the program is used, and cannot become a
//! list of who did not answer.

use super::admin;
use super::context::App;
use super::ledger;
use super::model::Outcome;
use super::stats;
use super::workspace::SharedFile;
use crate::domain::admin_log::AdminAct;
use crate::domain::figures::{self, shown, Counts, Period, RoundFigures};
use crate::domain::profile::{Membership, Profile};
use crate::ids::{TeamId, UserId};
use chrono::NaiveDate;
use rand::seq::SliceRandom;

/// The columns, in order; member rows leave the round columns empty and
/// round rows the member columns.
pub const COLUMNS: [&str; 18] = [
    "row",
    "member",
    "joined",
    "status",
    "rounds_paired",
    "meetings_reported",
    "checkins_answered",
    "goals_set",
    "goals_moved",
    "goals_done",
    "round",
    "date",
    "pairs",
    "trios",
    "sat_out",
    "pairs_met",
    "not_yet_or_rescheduled",
    "unanswered",
];

/// A member's count of `figure` in the period (all time without a first
/// day).
fn in_period(own: &Counts, figure: &str, first: Option<NaiveDate>) -> i64 {
    match first {
        None => figures::get(own, figure),
        Some(first) => own
            .iter()
            .filter_map(|(k, n)| {
                let day = k.strip_prefix(figure)?.strip_prefix('@')?;
                let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
                (day >= first).then_some(*n)
            })
            .sum(),
    }
}

/// The month a member first joined (`YYYY-MM`), from their own counts.
fn joined_month(own: &Counts) -> String {
    own.keys()
        .filter_map(|k| k.strip_prefix("joined@"))
        .min()
        .map(|d| d.chars().take(7).collect())
        .unwrap_or_default()
}

fn status(p: &Profile, today: NaiveDate) -> &'static str {
    match p.membership {
        Membership::Out => "left",
        _ if p.is_active(today) => "active",
        _ => "paused",
    }
}

/// The CSV, from each member's profile and own counts and each round's
/// figures. Member rows in random order, numbered from 1.
pub fn csv(
    members: &[(Profile, Counts)],
    rounds: &[Counts],
    first: Option<NaiveDate>,
    today: NaiveDate,
) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(COLUMNS);
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.shuffle(&mut rand::rng());
    let figure = |own: &Counts, f: &str| in_period(own, f, first).to_string();
    for (row, i) in order.into_iter().enumerate() {
        let (profile, own) = &members[i];
        let mut record = vec![
            "member".to_owned(),
            (row + 1).to_string(),
            joined_month(own),
            status(profile, today).to_owned(),
        ];
        for f in [
            "rounds_paired",
            "met",
            "checkins_answered",
            "goals_set",
            "goals_moved",
            "goals_done",
        ] {
            record.push(figure(own, f));
        }
        record.extend(std::iter::repeat_n(String::new(), 8));
        let _ = out.write_record(&record);
    }
    for (i, r) in rounds.iter().enumerate() {
        let Some(day) = figures::round_day(r) else {
            continue;
        };
        if first.is_some_and(|first| day < first) {
            continue;
        }
        let f = RoundFigures::of(std::slice::from_ref(r), None);
        let mut record = vec!["round".to_owned()];
        record.extend(std::iter::repeat_n(String::new(), 9));
        record.extend([
            (i + 1).to_string(),
            day.to_string(),
            shown(f.pairs),
            shown(f.trios),
            shown(f.sat_out),
            shown(f.meetings.met),
            shown(f.meetings.not_yet + f.meetings.rescheduled),
            shown(f.meetings.unanswered),
        ]);
        let _ = out.write_record(&record);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `/tandem admin export [30d|90d|all]`.
pub async fn admin_export(app: &App, team: &TeamId, user: &UserId, period: Period) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    let today = ledger::today(app);
    let first = period.first_day(today);
    let gathered = async {
        let (ids, profiles) = stats::profiles(app, team).await?;
        let own = app.store.member_tallies(team, &ids).await?;
        let rounds = stats::all_round_figures(app, team).await?;
        Ok::<_, anyhow::Error>((profiles.into_iter().zip(own).collect::<Vec<_>>(), rounds))
    }
    .await;
    let (members, rounds) = match gathered {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(error = %e, "export not made: store problem");
            return Outcome::store_down();
        }
    };
    let text = csv(&members, &rounds, first, today);
    let round_rows = text.lines().count().saturating_sub(1 + members.len());
    let rows = format!(
        "{} member row{} and {round_rows} round row{}",
        members.len(),
        if members.len() == 1 { "" } else { "s" },
        if round_rows == 1 { "" } else { "s" }
    );
    let file = SharedFile {
        filename: format!("tandem-export-{today}.csv"),
        title: format!("Tandem export — {}", period.label()),
        comment: format!(
            "Tandem export — {}: {rows}. Counts only: no names or ids, and never anyone's goals, notes or answers.",
            period.label()
        )
        .into(),
        content_type: "text/csv",
        bytes: text.into_bytes(),
    };
    match app
        .workspace
        .share_file(std::slice::from_ref(user), file)
        .await
    {
        Ok(()) => {
            let act = AdminAct::Exported {
                period: period.label(),
            };
            super::admin_log::record(app, team, user, act, None).await;
            Outcome::done(format!(
                "Your export ({}) is in your DM with me: {rows}.",
                period.label()
            ))
        }
        Err(e) => {
            tracing::warn!(error = %e, "export not shared");
            Outcome::refused(
                "Slack didn't take the file just now, so nothing was shared. Please try again in a minute.",
            )
        }
    }
}
