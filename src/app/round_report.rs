//! A round's figures and report: `report:<round>`, queued with the round's
//! deliveries, records what the round formed (counts only, set rather than
//! added, so a retry changes nothing) and, with `program.report_channel`
//! set, posts the round's report there once.

use super::context::App;
use super::model::{Effect, JobRun};
use super::round_delivery;
use super::stats;
use crate::domain::figures::{self, Counts, Demand, RoundFigures, RoundReport, SIT_OUT_KINDS};
use crate::domain::job::Job;
use crate::domain::round_plan::RoundPlan;
use crate::ids::{ChannelId, TeamId};
use crate::pairing::round::SitOutKind;

/// What round `plan` formed, as its figures (`day` as `YYYYMMDD`).
pub fn figures_of(plan: &RoundPlan, day: chrono::NaiveDate) -> Vec<(&'static str, i64)> {
    let sizes = |n: usize| plan.groups.iter().filter(|g| g.members.len() == n).count() as i64;
    let mut out = vec![
        ("day", figures::day_figure(day)),
        ("groups", plan.groups.len() as i64),
        ("pairs", sizes(2)),
        ("trios", sizes(3)),
        ("sat_out", plan.sat_out.len() as i64),
        ("kept", plan.groups.iter().filter(|g| g.kept).count() as i64),
    ];
    for (key, _) in SIT_OUT_KINDS {
        let n = plan
            .sat_out
            .iter()
            .filter(|s| kind_key(SitOutKind::of(&s.reason)) == key)
            .count();
        out.push((key, n as i64));
    }
    out
}

fn kind_key(kind: SitOutKind) -> &'static str {
    match kind {
        SitOutKind::OddNumber => "out_odd",
        SitOutKind::NeededElsewhere => "out_needed",
        SitOutKind::Nobody => "out_none",
        SitOutKind::NoThird => "out_no_third",
    }
}

/// `report:<round>`.
pub async fn run(app: &App, team: &TeamId, job: &Job, round: u32) -> Result<JobRun, anyhow::Error> {
    let (_, plan) = app.docs.load_round_plan(team).await?;
    if plan.round != round {
        return Ok(JobRun::nothing(None));
    }
    let day = plan.at.map_or_else(
        || super::ledger::today(app),
        |at| at.with_timezone(&app.time.zone).date_naive(),
    );
    let recorded = figures_of(&plan, day);
    app.store
        .set_round_figures(team, round, &recorded, false)
        .await?;
    let last = [(stats::LAST_ROUND, i64::from(round))];
    app.store.set_round_figures(team, 0, &last, true).await?;
    let Ok(channel) = ChannelId::parse(&app.config.program.report_channel) else {
        return Ok(JobRun::nothing(None));
    };
    let Some(mark) = round_delivery::unsent(app, team, job).await? else {
        return Ok(JobRun::nothing(None));
    };
    let (_, profiles) = stats::profiles(app, team).await?;
    let counts: Counts = recorded
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    let today = super::ledger::today(app);
    let report = RoundReport {
        round,
        figures: RoundFigures::of(&[counts], None),
        demand: Demand::of(&profiles, today, &stats::catalog(app)),
    };
    Ok(JobRun {
        effects: vec![Effect::RoundReport { channel, report }],
        next: None,
        mark: Some(mark),
    })
}
