//! Meetings that happen: an intro offers three times inside everyone's
//! working hours (`round_delivery::intro` stores them in each pairing).
//! Each member picks one, or none; every pick is announced in the group
//! DM. When all picked the same time it is confirmed by a job of its own
//! (`meeting:<round>:<group>`, so two last picks at once confirm once): a
//! calendar invite in the group DM, and a reminder DM to each shortly
//! before (`meetsoon:<round>:<user>`).

use super::context::App;
use super::documents::UpdateError;
use super::model::{Effect, JobRun, Outcome, Reply};
use super::requests::ActionRequest;
use super::round_delivery;
use super::text::{Span, Text};
use super::workspace::SharedFile;
use crate::calendar::{self, Meeting};
use crate::domain::job::Job;
use crate::domain::nudges::Nudge;
use crate::domain::pairing::{agreed_time, Pairing, SlotPick};
use crate::ids::{TeamId, UserId};
use crate::store::Doc;
use chrono::{DateTime, Utc};

/// Why a pick was not taken; told to the presser alone.
enum Refusal {
    EarlierRound,
    Confirmed(i64),
    NoSuchTime,
    Unchanged,
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// A press on one of the intro's times (or "none of these work").
pub async fn pick(app: &App, request: &ActionRequest, round: u32, pick: SlotPick) -> Outcome {
    let (team, user) = (&request.team, &request.user);
    let updated = app
        .docs
        .update(team, user, Doc::Pairing, |p: &mut Pairing| {
            if p.round != round {
                return Err(Refusal::EarlierRound);
            }
            if let Some(confirmed) = p.meeting {
                return Err(Refusal::Confirmed(confirmed));
            }
            if matches!(pick, SlotPick::Time(_)) && p.time_of(pick).is_none() {
                return Err(Refusal::NoSuchTime);
            }
            if p.pick == Some(pick) {
                return Err(Refusal::Unchanged);
            }
            p.pick = Some(pick);
            Ok(())
        })
        .await;
    let aside =
        |text: Text| Outcome::reply(Reply::ToPresser(Box::new(Reply::Refused { message: text })));
    let mine = match updated {
        Ok((_, p)) => p,
        Err(UpdateError::Refused(refusal)) => {
            return aside(match refusal {
                Refusal::EarlierRound => "These times are from an earlier round's intro.".into(),
                Refusal::Confirmed(t) => crate::text![
                    "Your meeting is already confirmed for ",
                    Span::Time(at(t)),
                    ". To move it, agree a new time here in the conversation."
                ],
                Refusal::NoSuchTime => "That time isn't one this intro offered.".into(),
                Refusal::Unchanged => "You picked that already — it's announced above.".into(),
            })
        }
        Err(e) => {
            tracing::warn!(error = %e, "meeting pick not saved: store problem");
            return Outcome::reply(Reply::ToPresser(Box::new(Reply::StoreDown)));
        }
    };
    // Everyone's picks, to see whether this one completes an agreement.
    let mut group = vec![mine.clone()];
    for partner in &mine.partners {
        match app.docs.load::<Pairing>(team, partner, Doc::Pairing).await {
            Ok(theirs) if theirs.round == round => group.push(theirs),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "a partner's pick unread; not confirmed yet"),
        }
    }
    let complete = group.len() == mine.partners.len() + 1;
    let agreed = agreed_time(&group).filter(|_| complete);
    if let (Some(_), Some(index)) = (agreed, mine.group) {
        let job = Job::Meeting {
            round,
            group: index,
        }
        .to_string();
        if let Err(e) = app
            .store
            .schedule_job(team, &job, app.now().timestamp_millis())
            .await
        {
            tracing::warn!(error = %e, "meeting confirmation not queued");
            return Outcome::reply(Reply::ToPresser(Box::new(Reply::StoreDown)));
        }
    }
    let mut text = crate::text![user];
    match mine.pick.and_then(|p| mine.time_of(p)) {
        Some(t) if agreed.is_some() => text.extend(crate::text![
            " picked ",
            Span::Time(at(t)),
            " too — that's everyone. Confirmed: the calendar invite follows here."
        ]),
        Some(t) => text.extend(crate::text![
            " can meet ",
            Span::Time(at(t)),
            ". Pick the same to confirm it, or another time that suits you."
        ]),
        None => text.push(
            " can't make any of these times. Reply here with a couple that suit you — \
             or pick one above if your week changes.",
        ),
    }
    Outcome::said_where_pressed(request.conversation.clone(), text)
}

/// `meeting:<round>:<group>`: when everyone still agrees on a time not yet
/// past, it is confirmed: stored in each pairing (later picks are then
/// refused), each member's reminder queued, and the invite shared in the
/// group DM — the job's one message; a failed upload retries the job.
pub async fn confirm(
    app: &App,
    team: &TeamId,
    job: &Job,
    round: u32,
    group: u32,
    now: DateTime<Utc>,
) -> Result<JobRun, anyhow::Error> {
    let Some(mark) = round_delivery::unsent(app, team, job).await? else {
        return Ok(JobRun::nothing(None));
    };
    let (_, plan) = app.docs.load_round_plan(team).await?;
    let Some(members) = plan.group(round, group as usize).map(|g| g.members.clone()) else {
        return Ok(JobRun::nothing(None)); // a later round has begun
    };
    let mut pairings = Vec::with_capacity(members.len());
    for m in &members {
        pairings.push(app.docs.load::<Pairing>(team, m, Doc::Pairing).await?);
    }
    let Some(time) = agreed_time(&pairings).filter(|_| pairings[0].round == round) else {
        return Ok(JobRun::nothing(None)); // someone changed their pick since
    };
    let starts = at(time);
    if starts <= now {
        return Ok(JobRun::nothing(None));
    }
    for m in &members {
        let stored = app
            .docs
            .update(team, m, Doc::Pairing, |p: &mut Pairing| {
                if p.round != round || p.meeting == Some(time) {
                    return Err(());
                }
                p.meeting = Some(time);
                Ok(())
            })
            .await;
        if let Err(e) = stored {
            e.refusal()?;
        }
        let remind = (starts - app.time.reminder).max(now);
        let soon = Job::MeetingSoon {
            round,
            user: m.clone(),
        };
        app.store
            .schedule_member_job(team, m, &soon.to_string(), remind.timestamp_millis())
            .await?;
    }
    let meeting = Meeting {
        uid: format!("tandem-{team}-{round}-{group}@tandem"),
        starts,
        minutes: app.time.slots.minutes,
        remind: app.time.reminder,
    };
    let file = SharedFile {
        filename: "tandem-meeting.ics".to_owned(),
        title: "Your first Tandem meeting".to_owned(),
        comment: {
            let mut comment = crate::text![":calendar: Confirmed: "];
            comment.extend(Text::people(&members, " and "));
            comment.extend(crate::text![
            format!(
                " meet {} at ",
                if members.len() > 2 { "all" } else { "both" }
            ),
            Span::Time(starts),
            format!(
                ". Open the invite to add it to your calendar; each of you gets a reminder {} minutes before.",
                app.time.reminder.num_minutes()
            ),
            ]);
            comment
        },
        content_type: "text/calendar",
        bytes: calendar::invite(&meeting, now).into_bytes(),
    };
    app.workspace
        .share_file(&members, file)
        .await
        .map_err(|e| anyhow::anyhow!("meeting invite not shared: {e}"))?;
    Ok(JobRun {
        effects: Vec::new(),
        next: None,
        mark: Some(mark),
    })
}

/// `meetsoon:<round>:<user>`: the reminder, while the meeting it was
/// queued for still stands and has not begun.
pub async fn remind(
    app: &App,
    team: &TeamId,
    job: &Job,
    round: u32,
    user: &UserId,
    now: DateTime<Utc>,
) -> Result<JobRun, anyhow::Error> {
    let Some(mark) = round_delivery::unsent(app, team, job).await? else {
        return Ok(JobRun::nothing(None));
    };
    let pairing: Pairing = app.docs.load(team, user, Doc::Pairing).await?;
    let Some(time) = pairing.meeting.filter(|_| pairing.round == round) else {
        return Ok(JobRun::nothing(None));
    };
    let starts = at(time);
    if starts <= now {
        return Ok(JobRun::nothing(None));
    }
    Ok(JobRun {
        effects: vec![Effect::Nudge {
            user: user.clone(),
            nudge: Nudge::MeetingSoon {
                partners: pairing.partners,
                at: starts,
                minutes: ((starts - now).num_seconds() + 30).div_euclid(60).max(1),
            },
        }],
        next: None,
        mark: Some(mark),
    })
}
