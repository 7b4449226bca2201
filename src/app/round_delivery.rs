//! Delivering a round through the durable job queue: the round is recorded
//! together with its plan and one job per intro, sit-out DM and note
//! reminder (one atomic store step, [`commit`]), and each job is then run by
//! whichever replica claims it. A replica killed or redeployed mid-round
//! leaves its jobs to expire back onto the queue, so every group is
//! introduced once, and a store error on one group's documents fails (and
//! retries) that job alone.

use super::circles;
use super::context::App;
use super::documents::{ROUND_PLAN_DOC, UPDATE_ATTEMPTS};
use super::ledger::{self, Figure};
use super::model::{Effect, JobRun};
use super::roster;
use super::text::Text;
use crate::domain::goals::GoalBook;
use crate::domain::job::Job;
use crate::domain::notes::NoteBook;
use crate::domain::nudges::Nudge;
use crate::domain::pairing::Pairing;
use crate::domain::profile::Profile;
use crate::domain::round_plan::RoundPlan;
use crate::ids::{TeamId, UserId};
use crate::pairing::history::{History, PastGroup};
use crate::store::{Doc, TeamSwap};
use chrono::{DateTime, Utc};

/// How far a round's delivery has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub round: u32,
    pub sent: usize,
    pub total: usize,
}

/// Records `plan` as round `plan.round` in `history` and queues its
/// delivery, all at once. `Ok(false)`: another round was recorded first.
pub async fn commit(
    app: &App,
    team: &TeamId,
    plan: &RoundPlan,
    due: DateTime<Utc>,
) -> Result<bool, anyhow::Error> {
    let past_groups: Vec<PastGroup> = plan
        .groups
        .iter()
        .map(|g| PastGroup {
            members: g.members.iter().map(|u| u.as_str().to_owned()).collect(),
            kept: g.kept,
            keep: false,
        })
        .collect();
    let sat_ids: Vec<String> = plan
        .sat_out
        .iter()
        .map(|s| s.user.as_str().to_owned())
        .collect();
    let jobs = jobs_for(app, team, plan, due).await?;
    let sealed_plan = app.docs.seal_round_plan(team, plan);
    for _ in 0..UPDATE_ATTEMPTS {
        let current = app.store.load_team_doc(team, roster::ROUNDS_DOC).await?;
        let mut history: History = roster::parse_history(current.as_deref())?;
        if history.rounds.len() as u32 + 1 != plan.round {
            return Ok(false);
        }
        history.push_groups(past_groups.clone(), sat_ids.clone());
        let new_history = serde_json::to_string(&history).expect("history serialises");
        let (plan_stored, _) = app.docs.load_round_plan(team).await?;
        let swaps = [
            TeamSwap {
                name: roster::ROUNDS_DOC,
                expected: current.as_deref(),
                new: &new_history,
            },
            TeamSwap {
                name: ROUND_PLAN_DOC,
                expected: plan_stored.as_deref(),
                new: &sealed_plan,
            },
        ];
        if app.store.commit_team(team, &swaps, &jobs).await? {
            return Ok(true);
        }
    }
    anyhow::bail!("round history busy")
}

/// One job per intro, per sit-out, per member with open notes to take to
/// their first meeting, and one for circle merge offers; all due at `due`.
async fn jobs_for(
    app: &App,
    team: &TeamId,
    plan: &RoundPlan,
    due: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, anyhow::Error> {
    let round = plan.round;
    let mut jobs: Vec<Job> = (0..plan.groups.len() as u32)
        .map(|group| Job::Intro { round, group })
        .collect();
    for group in &plan.groups {
        for user in &group.members {
            let notes: NoteBook = app.docs.load(team, user, Doc::Notes).await?;
            if notes.open().next().is_some() {
                jobs.push(Job::NotesBefore {
                    round,
                    user: user.clone(),
                });
            }
        }
    }
    jobs.extend(plan.sat_out.iter().map(|s| Job::SitOut {
        round,
        user: s.user.clone(),
    }));
    jobs.push(Job::MergeOffers { round });
    jobs.push(Job::Report { round });
    let due = due.timestamp_millis();
    Ok(jobs.into_iter().map(|j| (j.to_string(), due)).collect())
}

/// The delivery of the last recorded round, while intros are still
/// queued; `None` once every one has gone.
pub async fn in_progress(app: &App, team: &TeamId) -> Result<Option<Progress>, anyhow::Error> {
    let (_, plan) = app.docs.load_round_plan(team).await?;
    if plan.round == 0 {
        return Ok(None);
    }
    let needle = format!("intro:{}:", plan.round);
    let waiting = app
        .store
        .jobs_containing(team, &needle)
        .await?
        .iter()
        .filter(|name| name.starts_with(&needle))
        .count();
    if waiting == 0 {
        return Ok(None);
    }
    let total = plan.groups.len();
    Ok(Some(Progress {
        round: plan.round,
        sent: total.saturating_sub(waiting),
        total,
    }))
}

/// The idempotency key of a one-off delivery job, unless it is recorded
/// already (Slack took the message): recorded once Slack took it, checked
/// here before sending. It ends in `:` so a member's id in it stands
/// between dots in the stored key, where `forget` finds it.
pub(super) async fn unsent(
    app: &App,
    team: &TeamId,
    job: &Job,
) -> Result<Option<String>, anyhow::Error> {
    let mark = format!("sent:{job}:");
    Ok((!app.store.event_seen(team, &mark).await?).then_some(mark))
}

/// `intro:<round>:<group>`: the group's pairings stored (unless a later
/// round's are there already), then their intro in a group DM.
pub async fn intro(
    app: &App,
    team: &TeamId,
    job: &Job,
    round: u32,
    group: u32,
    now: DateTime<Utc>,
) -> Result<JobRun, anyhow::Error> {
    let Some(mark) = unsent(app, team, job).await? else {
        return Ok(JobRun::nothing(None));
    };
    let (_, plan) = app.docs.load_round_plan(team).await?;
    let index = group;
    let Some(group) = plan.group(round, group as usize) else {
        tracing::info!(
            round,
            "intro for a round no longer being delivered; dropped"
        );
        return Ok(JobRun::nothing(None));
    };
    let members = group.members.clone();
    let kept = group.kept;
    if members.len() < 2 {
        return Ok(JobRun::nothing(None));
    }
    // Worked out before the pairings are stored: the offered meeting times
    // go into each member's pairing, where their picks are checked against
    // them. The same on a retry (from the round's own time). A kept pair
    // gets no intro, so no times.
    let slots = if kept {
        Vec::new()
    } else {
        let mut profiles = Vec::with_capacity(members.len());
        for m in &members {
            let profile: Profile = app.docs.load(team, m, Doc::Profile).await?;
            profiles.push((m.clone(), profile));
        }
        let attendees = app.time.attendees_of(&members, &profiles);
        crate::meeting_time::meeting_slots(plan.at.unwrap_or(now), &attendees, app.time.slots)
    };
    let offered: Vec<i64> = slots.iter().map(|t| t.timestamp()).collect();
    for m in &members {
        let partners: Vec<UserId> = members.iter().filter(|p| *p != m).cloned().collect();
        let stored = app
            .docs
            .update(team, m, Doc::Pairing, |p: &mut Pairing| {
                if p.round >= round {
                    return Err(()); // stored by an earlier try, or overtaken
                }
                *p = Pairing {
                    round,
                    partners: partners.clone(),
                    // A kept pair keeps its rhythm and counts its rounds.
                    cadence: if kept { p.cadence } else { None },
                    repair: false,
                    group: Some(index),
                    keep: None,
                    keep_asked: false,
                    together: if kept { p.together + 1 } else { 1 },
                    slots: offered.clone(),
                    pick: None,
                    meeting: None,
                };
                Ok(())
            })
            .await;
        match stored {
            // Counted when stored, so a retried intro counts nobody twice.
            Ok(_) => ledger::count(app, team, Some(m), &[(Figure::RoundsPaired, 1)]).await,
            Err(e) => {
                e.refusal()?; // refused: already stored; anything else fails the job
            }
        }
    }
    if kept {
        return Ok(JobRun {
            effects: vec![Effect::Continue { round, members }],
            next: None,
            mark: Some(mark),
        });
    }
    let mut shared_goals = Vec::new();
    for m in &members {
        let book: GoalBook = app.docs.load(team, m, Doc::Goals).await?;
        let shared: Vec<String> = book.shared().into_iter().map(|(_, t)| t).collect();
        if !shared.is_empty() {
            shared_goals.push((m.clone(), shared));
        }
    }
    let intro = Effect::Intro {
        round,
        reasons: group
            .reasons
            .iter()
            .map(|r| Text::naming(r, &members))
            .collect(),
        members,
        shared_goals,
        slots,
        minutes: app.time.slots.minutes,
    };
    Ok(JobRun {
        effects: vec![intro],
        next: None,
        mark: Some(mark),
    })
}

/// `notes:<round>:<user>`: the member's own open notes, privately, before
/// they meet this round's partners.
pub async fn notes_before(
    app: &App,
    team: &TeamId,
    job: &Job,
    round: u32,
    user: &UserId,
) -> Result<JobRun, anyhow::Error> {
    let Some(mark) = unsent(app, team, job).await? else {
        return Ok(JobRun::nothing(None));
    };
    let (_, plan) = app.docs.load_round_plan(team).await?;
    let Some(group) = plan.group_of(round, user) else {
        return Ok(JobRun::nothing(None));
    };
    let partners: Vec<UserId> = group
        .members
        .iter()
        .filter(|p| *p != user)
        .cloned()
        .collect();
    let notes: NoteBook = app.docs.load(team, user, Doc::Notes).await?;
    let open: Vec<String> = notes.open().map(|n| n.text.clone()).collect();
    if open.is_empty() || partners.is_empty() {
        return Ok(JobRun::nothing(None));
    }
    Ok(JobRun {
        effects: vec![Effect::Nudge {
            user: user.clone(),
            nudge: Nudge::BeforeMeeting {
                partners,
                notes: open,
            },
        }],
        next: None,
        mark: Some(mark),
    })
}

/// `sitout:<round>:<user>`: why they sit this round out.
pub async fn sit_out(
    app: &App,
    team: &TeamId,
    job: &Job,
    round: u32,
    user: &UserId,
) -> Result<JobRun, anyhow::Error> {
    let Some(mark) = unsent(app, team, job).await? else {
        return Ok(JobRun::nothing(None));
    };
    let (_, plan) = app.docs.load_round_plan(team).await?;
    let Some(reason) = plan.sit_out(round, user) else {
        return Ok(JobRun::nothing(None));
    };
    Ok(JobRun {
        effects: vec![Effect::SitOutDm {
            user: user.clone(),
            reason: reason.to_owned(),
        }],
        next: None,
        mark: Some(mark),
    })
}

/// `offers:<round>`: circles too small to carry on are offered a merge.
pub async fn merge_offers(app: &App, team: &TeamId, job: &Job) -> Result<JobRun, anyhow::Error> {
    let Some(mark) = unsent(app, team, job).await? else {
        return Ok(JobRun::nothing(None));
    };
    Ok(JobRun {
        effects: circles::merge_offers(app, team).await?,
        next: None,
        mark: Some(mark),
    })
}

/// Takes a forgotten member out of the round being delivered.
pub async fn forget(app: &App, team: &TeamId, user: &UserId) -> Result<(), anyhow::Error> {
    let changed = app
        .docs
        .update_round_plan(
            team,
            |plan| if plan.forget(user) { Ok(()) } else { Err(()) },
        )
        .await;
    if let Err(e) = changed {
        e.refusal()?; // refused: they were not in it
    }
    Ok(())
}
