//! Program health for the people who run it: `admin stats`, and the
//! figures the round report and the admins' Home section show. Counts
//! only, gathered from what the app counted as things happened (a few
//! hash reads), the rounds' figures and one read of every profile.

use super::admin;
use super::context::App;
use super::ledger;
use super::model::{Outcome, Reply};
use super::workspace::SharedFile;
use crate::domain::figures::{
    self, Counts, Demand, Gauges, MemberFigures, Period, ProgramStats, RoundFigures, Trends,
};
use crate::domain::profile::Profile;
use crate::ids::{TeamId, UserId};
use crate::store::Doc;
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeSet, HashMap};

/// `/tandem admin stats [30d|90d|all]`.
pub async fn admin_stats(app: &App, team: &TeamId, user: &UserId, period: Period) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    match gather(app, team, period).await {
        Ok(stats) => Outcome::reply(Reply::Stats(stats)),
        Err(e) => {
            tracing::warn!(error = %e, "stats not served: store problem");
            Outcome::store_down()
        }
    }
}

/// `/tandem admin stats chart`: the last 12 weeks' meeting and check-in
/// answer rates as a PNG in the admin's DM.
pub async fn admin_chart(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    let stats = match gather(app, team, Period::Days(30)).await {
        Ok(stats) => stats,
        Err(e) => {
            tracing::warn!(error = %e, "chart not made: store problem");
            return Outcome::store_down();
        }
    };
    let bytes = match crate::charts::trends_png(&stats.trends) {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(error = %e, "chart not drawn");
            return Outcome::refused("I couldn't draw the chart just now. `/tandem admin stats` has the same trends as sparklines.");
        }
    };
    let file = SharedFile {
        filename: format!("tandem-trends-{}.png", ledger::today(app)),
        title: "Tandem trends — last 12 weeks".to_owned(),
        comment: "Weekly, last 12 weeks, oldest on the left; gridlines every 25%. Green: share of meeting answers that were \"we met\". Blue: share of check-ins answered. A gap is a week with fewer than five answers.".into(),
        content_type: "image/png",
        bytes,
    };
    match app
        .workspace
        .share_file(std::slice::from_ref(user), file)
        .await
    {
        Ok(()) => Outcome::done("The trends chart is in your DM with me."),
        Err(e) => {
            tracing::warn!(error = %e, "chart not shared");
            Outcome::refused(
                "Slack didn't take the chart just now, so nothing was shared. Please try again in a minute.",
            )
        }
    }
}

/// Every member's profile (everyone who ever joined), in one read.
pub async fn profiles(
    app: &App,
    team: &TeamId,
) -> Result<(Vec<UserId>, Vec<Profile>), anyhow::Error> {
    let members = app.store.members(team).await?;
    let profiles = app.docs.load_many(team, &members, Doc::Profile).await?;
    Ok((members, profiles))
}

/// The skills the program's catalog names (`skills.toml`).
pub fn catalog(app: &App) -> BTreeSet<String> {
    app.catalog().into_iter().collect()
}

/// The figures of every recorded round, oldest first (as far as the
/// last round whose figures were recorded; see [`LAST_ROUND`]).
pub async fn all_round_figures(app: &App, team: &TeamId) -> Result<Vec<Counts>, anyhow::Error> {
    let index = app.store.round_figures(team, &[0]).await?;
    let last = index.first().map_or(0, |i| figures::get(i, LAST_ROUND));
    let rounds: Vec<u32> = (1..=u32::try_from(last).unwrap_or(0)).collect();
    Ok(app.store.round_figures(team, &rounds).await?)
}

/// The figure, in round 0's figures, holding the last round recorded
/// (raised by each round's report job, so it only ever grows).
pub const LAST_ROUND: &str = "last";

/// Program health for `period`, as of today (the program's date).
pub async fn gather(
    app: &App,
    team: &TeamId,
    period: Period,
) -> Result<ProgramStats, anyhow::Error> {
    let today = ledger::today(app);
    let trend_days = figures::trend_days(today);
    let period_days: Vec<NaiveDate> = match period.first_day(today) {
        Some(first) => (0..=(today - first).num_days())
            .map(|i| first + Duration::days(i))
            .collect(),
        None => Vec::new(),
    };
    // One read for every bucket: the trend's days, the period's, all time.
    let mut names: BTreeSet<String> = trend_days
        .iter()
        .chain(&period_days)
        .map(|d| ledger::day_name(*d))
        .collect();
    names.insert("all".to_owned());
    let names: Vec<String> = names.into_iter().collect();
    let tallies = app.store.tallies(team, &names).await?;
    let by_name: HashMap<&str, &Counts> = names.iter().map(String::as_str).zip(&tallies).collect();
    let empty = Counts::new();
    let day = |d: &NaiveDate| {
        *by_name
            .get(ledger::day_name(*d).as_str())
            .unwrap_or(&&empty)
    };
    let counts = match period {
        Period::All => by_name.get("all").map(|c| (*c).clone()).unwrap_or_default(),
        Period::Days(_) => figures::sum(period_days.iter().map(day)),
    };
    let trend: Vec<Counts> = trend_days.iter().map(|d| day(d).clone()).collect();
    let (_, profiles) = profiles(app, team).await?;
    let mut members = MemberFigures::of(&profiles, today);
    members.joined = figures::get(&counts, "joined");
    let mut rounds = RoundFigures::of(
        &all_round_figures(app, team).await?,
        period.first_day(today),
    );
    rounds.repair_requests = figures::get(&counts, "repair_requests");
    Ok(ProgramStats {
        period,
        members,
        rounds,
        demand: Demand::of(&profiles, today, &catalog(app)),
        trends: Trends::of(&trend),
        counts,
    })
}

/// The program's gauges: active members, the last round's pairs and
/// meeting rate, and the last 30 days' check-in answer rate.
pub async fn gauges(app: &App, team: &TeamId) -> Result<Gauges, anyhow::Error> {
    let today = ledger::today(app);
    let (_, profiles) = profiles(app, team).await?;
    let rounds = all_round_figures(app, team).await?;
    let last = RoundFigures::of(rounds.last().map(std::slice::from_ref).unwrap_or(&[]), None);
    let days: Vec<String> = (0..30)
        .map(|i| ledger::day_name(today - Duration::days(i)))
        .collect();
    let counts = figures::sum(&app.store.tallies(team, &days).await?);
    Ok(Gauges {
        active_members: MemberFigures::of(&profiles, today).active,
        last_round_pairs: last.pairs + last.trios,
        last_round_meeting_rate: figures::percent(last.meetings.met, last.meetings.groups),
        checkin_answer_rate: figures::percent(
            figures::get(&counts, "checkins_answered"),
            figures::get(&counts, "checkins_sent"),
        ),
    })
}

impl App {
    /// Program health for `period` (what `admin stats` shows).
    pub async fn program_stats(
        &self,
        team: &TeamId,
        period: Period,
    ) -> Result<ProgramStats, anyhow::Error> {
        gather(self, team, period).await
    }

    /// The program's gauges for `/metrics`.
    pub async fn program_gauges(&self, team: &TeamId) -> Result<Gauges, anyhow::Error> {
        gauges(self, team).await
    }
}
