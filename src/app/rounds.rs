//! Pairing rounds from Slack: planning and running one (history recorded
//! before any intro), intros with shared goals and a first-meeting slot,
//! sit-out DMs, notes before meeting; the kickoff rhythm choice and the
//! answer to a re-pair offer.

use super::admin;
use super::circles;
use super::context::App;
use super::documents::{UpdateError, UPDATE_ATTEMPTS};
use super::model::{Effect, Outcome, PlannedGroup, Reply, RoundSummary};
use super::requests::ActionRequest;
use super::roster;
use super::text::Text;
use crate::domain::goals::GoalBook;
use crate::domain::notes::NoteBook;
use crate::domain::nudges::Nudge;
use crate::domain::pairing::Pairing;
use crate::domain::profile::{Cadence, Format, Profile};
use crate::ids::{TeamId, UserId};
use crate::pairing::score::{Rules, Scorer};
use crate::store::Doc;

/// `admin round [preview]`: refused politely for non-admins.
pub async fn admin_round(app: &App, team: &TeamId, user: &UserId, preview: bool) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    match run(app, team, preview).await {
        Ok(outcome) => outcome,
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
    let mut profiles = Vec::with_capacity(members.len());
    for m in members {
        let p: Profile = app.docs.load(team, &m, Doc::Profile).await?;
        profiles.push((m, p));
    }
    // People in a circle meet there; rounds pair everyone else.
    let circles = app.docs.load_circles(team).await?;
    let (roster, not_ready, away) =
        roster::roster_where(&profiles, now.date_naive(), app.time.zone, |u, p| {
            p.format != Format::Circle && !circles.has_member(u)
        });
    let stored = app.store.load_team_doc(team, roster::ROUNDS_DOC).await?;
    let history = roster::parse_history(stored.as_deref())?;
    let number = history.rounds.len() as u32 + 1;
    let mut scorer = Scorer::new(&roster, &history, Rules::from(&app.config.pairing), now);
    // Whoever asked for a new partner after not meeting goes first.
    for i in 0..roster.people.len() {
        let member = roster::member_of(&roster, i);
        let pairing: Pairing = app.docs.load(team, &member, Doc::Pairing).await?;
        if pairing.repair {
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
        .map(|s| (roster::member_of(&roster, s.person), s.reason.clone()))
        .collect();
    let summary = RoundSummary {
        number,
        preview,
        groups,
        sat_out,
        not_ready,
        away,
    };
    if preview {
        return Ok(Outcome::reply(Reply::Round(summary)));
    }
    record(app, team, number, &summary).await?;
    let mut effects = Vec::new();
    for g in &summary.groups {
        effects.extend(introduce(app, team, number, g, &profiles, now).await);
    }
    for (user, reason) in &summary.sat_out {
        effects.push(Effect::SitOutDm {
            user: user.clone(),
            reason: reason.clone(),
        });
    }
    effects.extend(circles::merge_offers(app, team).await?);
    tracing::info!(
        round = number,
        groups = summary.groups.len(),
        sat_out = summary.sat_out.len(),
        "round run"
    );
    Ok(Outcome::reply(Reply::Round(summary)).with_effects(effects))
}

/// Records round `number` in the history first: a failure here sends nothing.
async fn record(
    app: &App,
    team: &TeamId,
    number: u32,
    summary: &RoundSummary,
) -> Result<(), anyhow::Error> {
    let ids = |m: &[UserId]| m.iter().map(|u| u.as_str().to_owned()).collect::<Vec<_>>();
    let group_ids: Vec<Vec<String>> = summary.groups.iter().map(|g| ids(&g.members)).collect();
    let sat_ids: Vec<String> = summary
        .sat_out
        .iter()
        .map(|(u, _)| u.as_str().to_owned())
        .collect();
    for _ in 0..UPDATE_ATTEMPTS {
        let current = app.store.load_team_doc(team, roster::ROUNDS_DOC).await?;
        let mut h = roster::parse_history(current.as_deref())?;
        if h.rounds.len() as u32 + 1 != number {
            anyhow::bail!("another round was run at the same time");
        }
        h.push(group_ids.clone(), sat_ids.clone());
        let new = serde_json::to_string(&h).expect("history serialises");
        if app
            .store
            .swap_team_doc(team, roster::ROUNDS_DOC, current.as_deref(), &new)
            .await?
        {
            return Ok(());
        }
    }
    anyhow::bail!("round history busy")
}

/// A group's new pairings stored, their intro, and each member's own open
/// notes (privately) before they meet.
async fn introduce(
    app: &App,
    team: &TeamId,
    number: u32,
    g: &PlannedGroup,
    profiles: &[(UserId, Profile)],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Effect> {
    let others =
        |m: &UserId| -> Vec<UserId> { g.members.iter().filter(|p| *p != m).cloned().collect() };
    for m in &g.members {
        let pairing = Pairing {
            round: number,
            partners: others(m),
            cadence: None,
            repair: false,
        };
        let _ = app
            .docs
            .update(team, m, Doc::Pairing, |p: &mut Pairing| {
                *p = pairing.clone();
                Ok::<(), std::convert::Infallible>(())
            })
            .await;
    }
    let zones = app.time.zones_of(&g.members, profiles);
    let mut shared_goals = Vec::new();
    for m in &g.members {
        if let Ok(book) = app.docs.load::<GoalBook>(team, m, Doc::Goals).await {
            let shared: Vec<String> = book.shared().into_iter().map(|(_, t)| t).collect();
            if !shared.is_empty() {
                shared_goals.push((m.clone(), shared));
            }
        }
    }
    let mut effects = vec![Effect::Intro {
        round: number,
        members: g.members.clone(),
        reasons: g.reasons.clone(),
        shared_goals,
        first_meeting: crate::schedule::first_meeting(now, &zones),
    }];
    for m in &g.members {
        let notes: NoteBook = match app.docs.load(team, m, Doc::Notes).await {
            Ok(n) => n,
            Err(_) => continue,
        };
        let open: Vec<String> = notes.open().map(|n| n.text.clone()).collect();
        if !open.is_empty() {
            effects.push(Effect::Nudge {
                user: m.clone(),
                nudge: Nudge::BeforeMeeting {
                    partners: others(m),
                    notes: open,
                },
            });
        }
    }
    effects
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
    let post = request
        .conversation
        .clone()
        .map(|conversation| Effect::PostInConversation {
            conversation,
            thread: None,
            text,
        });
    Outcome::reply(Reply::Silent).with_effects(post)
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
                p.repair = accept;
                Ok(())
            },
        )
        .await;
    let message = match result {
        Ok(_) if accept => "Done — you'll be matched first at the next round, with someone new. Nobody is told why.",
        Ok(_) => "Keep going — a short call this week is enough to get started.",
        Err(UpdateError::Refused(())) => "A new round has started since this offer; your current pairing is in your DMs.",
        Err(_) => return Outcome::store_down(),
    };
    Outcome::done(message)
}
