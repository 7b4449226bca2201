//! Pairing rounds from Slack: planning and running one (recorded with its
//! delivery plan and queued jobs in one step; `round_delivery` sends the
//! intros, sit-out DMs and notes); the kickoff rhythm choice and the answer
//! to a re-pair offer.

use super::accounts;
use super::admin;
use super::admin_log;
use super::context::App;
use super::documents::UpdateError;
use super::ledger::{self, Figure};
use super::model::{Effect, Outcome, PlannedGroup, Reply, RoundSummary};
use super::requests::ActionRequest;
use super::roster;
use super::round_delivery;
use super::text::Text;
use crate::domain::admin_log::AdminAct;
use crate::domain::checkin::Checkin;
use crate::domain::nudges::Nudge;
use crate::domain::pairing::Pairing;
use crate::domain::profile::{Cadence, Format, Profile};
use crate::domain::round_plan::{PlanGroup, RoundPlan, SitOut};
use crate::ids::{TeamId, UserId};
use crate::pairing::score::{Rules, Scorer};
use crate::store::Doc;
use std::collections::HashMap;

/// `admin round [preview]`: refused politely for non-admins.
pub async fn admin_round(app: &App, team: &TeamId, user: &UserId, preview: bool) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    match run(app, team, preview).await {
        Ok(outcome) => {
            if let Reply::Round(summary) = &outcome.reply {
                if !summary.preview {
                    let act = AdminAct::Round {
                        round: summary.number,
                    };
                    admin_log::record(app, team, user, act, None).await;
                }
            }
            outcome
        }
        Err(e) => {
            tracing::warn!(error = %e, "round not run: store problem");
            Outcome::store_down()
        }
    }
}

/// Plans a round and, unless `preview`, records it and returns its intros.
pub async fn run(app: &App, team: &TeamId, preview: bool) -> Result<Outcome, anyhow::Error> {
    let now = app.now();
    let members = app.store.members(team).await?;
    let loaded: Vec<Profile> = app.docs.load_many(team, &members, Doc::Profile).await?;
    let profiles: Vec<(UserId, Profile)> = members.into_iter().zip(loaded).collect();
    // People in a circle meet there; rounds pair everyone else.
    let circles = app.docs.load_circles(team).await?;
    let wanted = |u: &UserId, p: &Profile| p.format != Format::Circle && !circles.has_member(u);
    let today = now.date_naive();
    let candidates: Vec<&UserId> = profiles
        .iter()
        .filter(|(u, p)| p.is_active(today) && wanted(u, p))
        .map(|(u, _)| u)
        .collect();
    let not_people = accounts::not_people(app, &candidates).await;
    let stored = app.store.load_team_doc(team, roster::ROUNDS_DOC).await?;
    let history = roster::parse_history(stored.as_deref())?;
    let number = history.rounds.len() as u32 + 1;
    let people: Vec<UserId> = candidates
        .iter()
        .filter(|u| !not_people.contains(**u))
        .map(|u| (*u).clone())
        .collect();
    // Silent members asked "still in?" who never answered sit this round
    // out, paused; their partners go first.
    // Everyone's pairing, read once: ghosts' partners, kept pairs and who
    // asked for a new partner all come from it.
    let loaded: Vec<Pairing> = app.docs.load_many(team, &people, Doc::Pairing).await?;
    let pairings: HashMap<UserId, Pairing> = people.iter().cloned().zip(loaded).collect();
    let ghosts = ghosts(app, team, &people, &pairings).await?;
    let people: Vec<UserId> = people
        .into_iter()
        .filter(|u| !ghosts.contains_key(u))
        .collect();
    let kept = kept_pairs(
        &pairings,
        &people,
        number - 1,
        app.config.pairing.max_rounds_together,
    );
    let in_kept: std::collections::HashSet<&UserId> = kept.iter().flatten().collect();
    let (roster, not_ready, away) =
        roster::roster_where(&profiles, today, app.time.zone, app.time.hours, |u, p| {
            wanted(u, p)
                && !not_people.contains(u)
                && !in_kept.contains(u)
                && !ghosts.contains_key(u)
        });
    let left_alone: std::collections::HashSet<&UserId> = ghosts.values().flatten().collect();
    let mut scorer = Scorer::new(&roster, &history, Rules::from(&app.config.pairing), now);
    // Whoever asked for a new partner after not meeting goes first.
    for i in 0..roster.people.len() {
        let member = roster::member_of(&roster, i);
        let repair = pairings.get(&member).is_some_and(|p| p.repair);
        if repair || left_alone.contains(&member) {
            scorer.give_priority(i);
        }
    }
    let everyone: Vec<usize> = (0..roster.people.len()).collect();
    let plan = crate::pairing::round::plan_round(&scorer, &everyone, number as u64);
    let groups: Vec<PlannedGroup> = plan
        .groups
        .iter()
        .map(|g| roster::planned_group(g, &roster))
        .collect();
    let sat_out: Vec<(UserId, String)> = plan
        .sat_out
        .iter()
        .map(|s| {
            let member = roster::member_of(&roster, s.person);
            (member, roster::shown_reason(&s.reason))
        })
        .collect();
    let summary = RoundSummary {
        number,
        kept: kept.iter().map(|pair| pair.to_vec()).collect(),
        preview,
        groups,
        sat_out,
        not_ready,
        away: away.saturating_sub(not_people.len() + in_kept.len()),
        not_people: not_people.len(),
        delivering: None,
    };
    let delivering = round_delivery::in_progress(app, team).await?;
    if preview {
        return Ok(Outcome::reply(Reply::Round(RoundSummary {
            delivering,
            ..summary
        })));
    }
    if let Some(p) = delivering {
        return Ok(Outcome::refused(format!(
            "Round {}'s intros are still going out ({} of {} sent), so round {number} \
             waits. Run it once they're all sent; `/tandem admin round preview` shows progress.",
            p.round, p.sent, p.total
        )));
    }
    let round_plan = RoundPlan {
        round: number,
        at: Some(now),
        groups: kept
            .iter()
            .map(|pair| PlanGroup {
                members: pair.to_vec(),
                kept: true,
                reasons: Vec::new(),
            })
            .chain(plan.groups.iter().map(|g| {
                PlanGroup {
                    kept: false,
                    members: g
                        .members
                        .iter()
                        .map(|&i| roster::member_of(&roster, i))
                        .collect(),
                    reasons: g.reasons.clone(),
                }
            }))
            .collect(),
        sat_out: summary
            .sat_out
            .iter()
            .map(|(user, reason)| SitOut {
                user: user.clone(),
                reason: reason.clone(),
            })
            .collect(),
    };
    // Recorded with its plan and one job per intro in one step: from here
    // on, whichever replica claims a job delivers it.
    if !round_delivery::commit(app, team, &round_plan, now).await? {
        anyhow::bail!("another round was run at the same time");
    }
    tracing::info!(
        round = number,
        groups = summary.groups.len(),
        sat_out = summary.sat_out.len(),
        "round recorded; intros queued"
    );
    let in_round: std::collections::HashSet<UserId> = round_plan
        .groups
        .iter()
        .flat_map(|g| g.members.clone())
        .collect();
    let notices = pause_ghosts(app, team, &ghosts, &in_round).await;
    Ok(Outcome::reply(Reply::Round(summary)).with_effects(notices))
}

/// Those of `people` asked "still in?" who answered nothing since, with
/// their partners.
async fn ghosts(
    app: &App,
    team: &TeamId,
    people: &[UserId],
    pairings: &HashMap<UserId, Pairing>,
) -> Result<HashMap<UserId, Vec<UserId>>, anyhow::Error> {
    let checkins: Vec<Checkin> = app.docs.load_many(team, people, Doc::Checkin).await?;
    Ok(people
        .iter()
        .zip(&checkins)
        .filter(|(_, c)| c.still_in_asked && c.answers.is_empty() && c.met.is_none())
        .map(|(user, _)| {
            let partners = pairings.get(user).map(|p| p.partners.clone());
            (user.clone(), partners.unwrap_or_default())
        })
        .collect())
}

/// Pauses each silent member (told once, with a Resume button) and tells
/// their partners, now first in line, kindly; counted as pauses.
async fn pause_ghosts(
    app: &App,
    team: &TeamId,
    ghosts: &HashMap<UserId, Vec<UserId>>,
    in_round: &std::collections::HashSet<UserId>,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    for (ghost, partners) in ghosts {
        let paused = super::membership::update_profile(app, team, ghost, |p| {
            if p.membership != crate::domain::profile::Membership::Active {
                return Err(String::new());
            }
            p.set_membership(crate::domain::profile::Membership::Paused { until: None });
            Ok(String::new())
        })
        .await;
        if paused.is_err() {
            continue; // changed meanwhile (paused, left): nothing to say
        }
        let _ = app
            .docs
            .update(team, ghost, Doc::Checkin, |c: &mut Checkin| {
                c.still_in_asked = false;
                Ok::<(), std::convert::Infallible>(())
            })
            .await;
        effects.push(Effect::Nudge {
            user: ghost.clone(),
            nudge: Nudge::PausedForSilence,
        });
        for partner in partners.iter().filter(|p| in_round.contains(*p)) {
            effects.push(Effect::Nudge {
                user: partner.clone(),
                nudge: Nudge::PartnerAway,
            });
        }
    }
    effects
}

/// The pairs of round `last` who both chose to keep meeting and may (not
/// yet `pairing.max_rounds_together` rounds in a row), among `people`
/// (active, pairable). Each pair once, in a stable order.
fn kept_pairs(
    pairings: &HashMap<UserId, Pairing>,
    people: &[UserId],
    last: u32,
    max: u32,
) -> Vec<[UserId; 2]> {
    if last == 0 {
        return Vec::new();
    }
    let of: HashMap<&UserId, &Pairing> = people
        .iter()
        .filter_map(|u| Some((u, pairings.get(u)?)))
        .collect();
    let keeps = |p: &Pairing| p.round == last && p.keep == Some(true) && p.together < max;
    let mut kept = Vec::new();
    for (u, p) in &of {
        let [v] = p.partners.as_slice() else { continue };
        if *u >= v || !keeps(p) {
            continue;
        }
        if of
            .get(v)
            .is_some_and(|q| keeps(q) && q.partners == [(*u).clone()])
        {
            kept.push([(*u).clone(), v.clone()]);
        }
    }
    kept.sort();
    kept
}

/// "Keep meeting" or "Ready for someone new", after a first meeting:
/// recorded for the presser alone (their partner never learns it), and
/// changeable until the next round.
pub async fn choose_keep(app: &App, request: &ActionRequest, round: u32, keep: bool) -> Outcome {
    let result = app
        .docs
        .update(
            &request.team,
            &request.user,
            Doc::Pairing,
            |p: &mut Pairing| {
                if p.round != round {
                    return Err(());
                }
                p.keep = Some(keep);
                Ok(())
            },
        )
        .await;
    match result {
        Ok((_, p)) => Outcome::reply(Reply::KeepChoice {
            partners: p.partners,
            round,
            keep,
        }),
        Err(UpdateError::Refused(())) => {
            Outcome::refused("A new round has started since; your current pairing is in your DMs.")
        }
        Err(e) => {
            tracing::warn!(error = %e, "keep choice not saved: store problem");
            Outcome::store_down()
        }
    }
}

/// A kickoff choice: recorded for this member; the group sees it, and
/// when everyone chose the same rhythm, that it is agreed. Replies go to
/// the presser alone: the intro is everyone's.
pub async fn kickoff(app: &App, request: &ActionRequest, round: u32, cadence: Cadence) -> Outcome {
    let (team, user) = (&request.team, &request.user);
    let updated = app
        .docs
        .update(team, user, Doc::Pairing, |p: &mut Pairing| {
            if p.round != round {
                return Err("This intro is from an earlier round.".to_owned());
            }
            p.cadence = Some(cadence);
            Ok(())
        })
        .await;
    let aside = |reply: Reply| Outcome::reply(Reply::ToPresser(Box::new(reply)));
    let pairing = match updated {
        Ok((_, p)) => p,
        Err(UpdateError::Refused(message)) => {
            return aside(Reply::Refused {
                message: message.into(),
            })
        }
        Err(_) => return aside(Reply::StoreDown),
    };
    let mut agreed = true;
    for partner in &pairing.partners {
        match app.docs.load::<Pairing>(team, partner, Doc::Pairing).await {
            Ok(theirs) if theirs.round == round && theirs.cadence == Some(cadence) => {}
            _ => agreed = false,
        }
    }
    let text = if agreed {
        Text::from(format!(
            ":handshake: Agreed: you'll meet {}. Put the first one in your calendars!",
            cadence.label()
        ))
    } else {
        crate::text![
            user,
            format!(
                " would like to meet {}. Pick the same to agree, or suggest another rhythm here.",
                cadence.label()
            )
        ]
    };
    Outcome::said_where_pressed(request.conversation.clone(), text)
}

/// The answer to a re-pair offer made during `round`.
pub async fn answer_repair(
    app: &App,
    request: &ActionRequest,
    round: u32,
    accept: bool,
) -> Outcome {
    let result = app
        .docs
        .update(
            &request.team,
            &request.user,
            Doc::Pairing,
            |p: &mut Pairing| {
                if p.round != round {
                    return Err(());
                }
                let newly = accept && !p.repair;
                p.repair = accept;
                Ok(newly)
            },
        )
        .await;
    if let Ok((newly, _)) = &result {
        let counts = [(Figure::RepairRequests, i64::from(*newly))];
        ledger::count(app, &request.team, Some(&request.user), &counts).await;
    }
    let message = match result {
        Ok(_) if accept => "Done — you'll be matched first at the next round, with someone new. Nobody is told why.",
        Ok(_) => "Keep going — a short call this week is enough to get started.",
        Err(UpdateError::Refused(())) => "A new round has started since this offer; your current pairing is in your DMs.",
        Err(_) => return Outcome::store_down(),
    };
    Outcome::done(message)
}
