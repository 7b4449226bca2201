//! Being in the program: join, the profile (by text or the modal), status,
//! pause, resume, leave, and forget (everything about the member erased),
//! plus the welcome DM for someone who joins the program channel.

use super::circles;
use super::context::App;
use super::documents::{changed, Also, UpdateError, UPDATE_ATTEMPTS};
use super::home;
use super::ledger;
use super::model::{AfterSave, Effect, HomeModel, Outcome, Reply, SubmitOutcome};
use super::queue;
use super::requests::ProfileForm;
use super::roster;
use crate::domain::checkin::Checkin;
use crate::domain::goals::{GoalBook, GoalError};
use crate::domain::job::Job;
use crate::domain::pairing::Pairing;
use crate::domain::profile::{self, Membership, Profile};
use crate::domain::shelf::Shelf;
use crate::ids::{TeamId, UserId};
use crate::pairing::skills::SkillNormaliser;
use crate::store::Doc;

/// Changes the member's profile; the reply shows it after `f`'s headline.
async fn change_profile(
    app: &App,
    team: &TeamId,
    user: &UserId,
    f: impl Fn(&mut Profile) -> Result<String, String>,
) -> Outcome {
    let result = update_profile(app, team, user, f).await;
    changed(result, |headline, profile| Reply::Profile {
        headline,
        profile,
    })
}

/// Changes a member's profile (as they or an admin asked) and counts the
/// change of membership it makes.
pub(super) async fn update_profile(
    app: &App,
    team: &TeamId,
    user: &UserId,
    f: impl Fn(&mut Profile) -> Result<String, String>,
) -> Result<(String, Profile), UpdateError<String>> {
    let result = app
        .docs
        .update(team, user, Doc::Profile, |p: &mut Profile| {
            let before = p.membership;
            f(p).map(|headline| (headline, before))
        })
        .await;
    counted(app, team, user, result).await
}

/// Counts a change of membership (joined, left, paused) once it is saved;
/// the headline without the membership it changed from.
async fn counted<E>(
    app: &App,
    team: &TeamId,
    user: &UserId,
    result: Result<((String, Membership), Profile), UpdateError<E>>,
) -> Result<(String, Profile), UpdateError<E>> {
    let ((headline, before), profile) = result?;
    let counts = ledger::membership_counts(before, profile.membership);
    ledger::count(app, team, Some(user), &counts).await;
    Ok((headline, profile))
}

/// Opens the profile modal, filled with `profile`, when the command came
/// with a trigger.
fn profile_modal(app: &App, trigger: Option<&str>, profile: &Profile) -> Option<Effect> {
    Some(Effect::OpenProfileModal {
        trigger: trigger?.to_owned(),
        profile: profile.clone(),
        catalog: app.catalog(),
    })
}

/// `/tandem join`: in the program (again), asked for a profile.
pub async fn join(app: &App, team: &TeamId, user: &UserId, trigger: Option<&str>) -> Outcome {
    // Check-ins go out in the member's own time zone, so learn it now
    // rather than only when they save the profile modal.
    let zone = app.workspace.timezone(user).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "time zone unknown: users.info failed");
        None
    });
    // The profile, the members set and the first check-in are written in
    // one atomic step: no member is active but never paired or prompted.
    let result = app
        .docs
        .update_also(
            team,
            user,
            Doc::Profile,
            |p: &mut Profile| {
        let was = p.membership;
        p.set_membership(Membership::Active);
        let before = was;
        if p.timezone.is_none() {
            p.timezone = zone.clone();
        }
        let mut text = match was {
            Membership::Active => "You're already in the program.".to_owned(),
            Membership::Paused { .. } => "Welcome back — your pause is over.".to_owned(),
            Membership::Out => "Welcome to Tandem! You're in the program.".to_owned(),
        };
        let missing = p.missing();
        if !missing.is_empty() {
            text.push_str(&format!(
                " To be paired, tell me {}: e.g. `/tandem profile offer: sql, public speaking; learn: rust; level: 3; team: Design`.",
                crate::pairing::score::join(&missing)
            ));
        }
        Ok::<(String, Membership), String>((text, before))
    },
            |p| Also {
                join: true,
                jobs: queue::checkin_job(app, user, p).into_iter().collect(),
            },
        )
        .await;
    let result = counted(app, team, user, result).await;
    let outcome = changed(result, |headline, profile| Reply::Profile {
        headline,
        profile,
    });
    let Reply::Profile { profile, .. } = &outcome.reply else {
        return outcome;
    };
    let modal = profile_modal(app, trigger, profile);
    outcome.with_effects(modal)
}

/// `/tandem profile` alone: the profile, and the modal to edit it.
pub async fn show_profile(
    app: &App,
    team: &TeamId,
    user: &UserId,
    trigger: Option<&str>,
) -> Outcome {
    match app.docs.load::<Profile>(team, user, Doc::Profile).await {
        Ok(profile) => {
            let headline = "Your profile. Change any part with `/tandem profile offer: …; learn: …; level: …; team: …; format: 1:1|circle|either; cadence: weekly|biweekly|monthly; hours: 08:00-16:00`.".to_owned();
            let modal = profile_modal(app, trigger, &profile);
            Outcome::reply(Reply::Profile { headline, profile }).with_effects(modal)
        }
        Err(e) => {
            tracing::warn!(error = %e, "command not served: store problem");
            Outcome::store_down()
        }
    }
}

/// `/tandem profile offer: …; learn: …` — fields set from text.
pub async fn set_profile(app: &App, team: &TeamId, user: &UserId, text: &str) -> Outcome {
    let skills = SkillNormaliser::new(&app.config.skills);
    change_profile(app, team, user, |p| {
        profile::apply_text(p, text, &skills).map_err(|e| e.to_string())?;
        if p.manager.as_ref() == Some(user) {
            return Err(
                "You can't be your own manager; name them with `manager: @someone`.".to_owned(),
            );
        }
        Ok(match p.membership {
            Membership::Out => {
                "Saved. You haven't joined yet — `/tandem join` when you're ready.".to_owned()
            }
            _ => "Saved.".to_owned(),
        })
    })
    .await
}

/// `/tandem status`.
pub async fn status(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    match home::model(app, team, user).await {
        Ok(home) => Outcome::reply(Reply::Status { home }),
        Err(e) => {
            tracing::warn!(error = %e, "command not served: store problem");
            Outcome::store_down()
        }
    }
}

/// `/tandem pause [2w|until DATE]`: out of rounds, prompts and their circle.
pub async fn pause(app: &App, team: &TeamId, user: &UserId, spec: &str) -> Outcome {
    let today = app.now().date_naive();
    let mut outcome = change_profile(app, team, user, |p| {
        if p.membership == Membership::Out {
            return Err("You haven't joined yet, so there is nothing to pause.".to_owned());
        }
        let until = profile::parse_pause(spec, today).map_err(|e| e.to_string())?;
        p.set_membership(Membership::Paused { until });
        Ok(match until {
            Some(d) => format!(
                "Paused until {} — you won't be paired or prompted until then. `/tandem resume` comes back sooner.",
                d.format("%a %-d %b %Y")
            ),
            None => {
                "Paused — you won't be paired or prompted until you `/tandem resume`.".to_owned()
            }
        })
    })
    .await;
    let Reply::Profile { profile, .. } = &outcome.reply else {
        return outcome;
    };
    // A dated pause ends with a welcome-back DM the morning after.
    if let Membership::Paused { until: Some(last) } = profile.membership {
        queue::pause_end(app, team, user, profile, last).await;
    }
    // A pause steps out of the circle too (prompts would name someone who
    // isn't there).
    match circles::leave(app, team, user).await {
        Ok(effects) => outcome.effects.extend(effects),
        Err(e) => tracing::warn!(error = %e, "could not take a paused member out of their circle"),
    }
    outcome
}

/// `/tandem resume`.
pub async fn resume(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    change_profile(app, team, user, |p| match p.membership {
        Membership::Paused { .. } => {
            p.set_membership(Membership::Active);
            Ok("Welcome back! You'll be in the next round.".to_owned())
        }
        Membership::Active => Ok("You're not paused — you're already in.".to_owned()),
        Membership::Out => Err("You haven't joined yet: `/tandem join`.".to_owned()),
    })
    .await
}

/// The "leave" button after `/tandem leave`'s confirmation.
pub async fn leave(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    let outcome = change_profile(app, team, user, |p| {
        p.set_membership(Membership::Out);
        Ok("You've left the program: no more pairing or prompts. Your goals and notes stay yours (`/tandem forget` erases them); `/tandem join` brings you back.".to_owned())
    })
    .await;
    let Reply::Profile { headline, .. } = outcome.reply else {
        return outcome;
    };
    let effects = circles::leave(app, team, user).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not take a leaver out of their circle");
        Vec::new()
    });
    Outcome::done(headline)
        .with_effects(effects)
        .refreshing_home()
}

/// The "forget" button after `/tandem forget`'s confirmation: out of their
/// circle, out of workspace records, then every key of theirs erased.
pub async fn forget(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    let circle = match circles::leave(app, team, user).await {
        Ok(effects) => effects,
        Err(e) => {
            tracing::warn!(error = %e, "forget failed: store problem");
            return Outcome::store_down();
        }
    };
    if let Err(e) = scrub_mentions(app, team, user).await {
        tracing::warn!(error = %e, "forget failed: store problem");
        return Outcome::store_down();
    }
    match app.store.erase_member(team, user).await {
        Ok(removed) => {
            tracing::info!(user = %user, keys = removed, "member forgotten");
            Outcome::reply(Reply::Forgotten)
                .with_effects(circle)
                .with_effects([Effect::PublishHome {
                    user: user.clone(),
                    home: HomeModel::default(),
                }])
        }
        Err(e) => {
            tracing::warn!(error = %e, "forget failed: store problem");
            Outcome::store_down()
        }
    }
}

/// Removes the member from the job queue, the rounds history and their
/// partners' current pairing, before their own keys go.
async fn scrub_mentions(app: &App, team: &TeamId, user: &UserId) -> Result<(), anyhow::Error> {
    // Every job about them, reminders of older check-ins included.
    for name in app.store.jobs_containing(team, user.as_str()).await? {
        let about_them = name
            .parse::<Job>()
            .is_ok_and(|job| job.member() == Some(user));
        if about_them {
            app.store.cancel_job(team, &name).await?;
        }
    }
    // What they shared on anyone's shelf, and check-ins that name them as
    // a partner (past partners too, so every member is looked at: forget
    // is rare, and nothing may be left behind).
    for member in app.store.members(team).await? {
        if &member == user {
            continue;
        }
        let _ = app
            .docs
            .update(team, &member, Doc::Shelf, |s: &mut Shelf| {
                if s.forget_sharer(user) {
                    Ok(())
                } else {
                    Err(())
                }
            })
            .await;
        let _ = app
            .docs
            .update(team, &member, Doc::Checkin, |c: &mut Checkin| {
                if c.partners.contains(user) {
                    c.partners.retain(|p| p != user);
                    Ok(())
                } else {
                    Err(())
                }
            })
            .await;
    }
    let mine: Pairing = app.docs.load(team, user, Doc::Pairing).await?;
    for partner in &mine.partners {
        let _ = app
            .docs
            .update(team, partner, Doc::Pairing, |p: &mut Pairing| {
                p.partners.retain(|x| x != user);
                Ok::<(), std::convert::Infallible>(())
            })
            .await;
    }
    // The round being delivered (its groups and reasons name them), and
    // the admins' log.
    super::round_delivery::forget(app, team, user).await?;
    super::admin_log::forget(app, team, user).await?;
    for _ in 0..UPDATE_ATTEMPTS {
        let Some(current) = app.store.load_team_doc(team, roster::ROUNDS_DOC).await? else {
            return Ok(());
        };
        let mut h = roster::parse_history(Some(&current))?;
        roster::scrub(&mut h, user);
        let new = serde_json::to_string(&h).expect("history serialises");
        if new == current
            || app
                .store
                .swap_team_doc(team, roster::ROUNDS_DOC, Some(&current), &new)
                .await?
        {
            return Ok(());
        }
    }
    anyhow::bail!("rounds history busy")
}

/// Saves a submitted profile modal: all fields are checked first, so an
/// invalid form changes nothing; submitting it means joining.
pub async fn submit_profile(
    app: &App,
    team: &TeamId,
    user: &UserId,
    form: ProfileForm,
) -> SubmitOutcome {
    let skills = SkillNormaliser::new(&app.config.skills);
    let mut errors = Vec::new();
    let mut text = Vec::new();
    let list = |items: &[String]| -> String {
        items
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let offers = list(&form.offers);
    let wants = list(&form.wants);
    if offers.is_empty() {
        errors.push((
            "offers".to_owned(),
            "Pick or type at least one skill you can offer.".to_owned(),
        ));
    } else {
        text.push(format!("offer: {offers}"));
    }
    if wants.is_empty() {
        errors.push((
            "wants".to_owned(),
            "Pick or type at least one skill you want to learn.".to_owned(),
        ));
    } else {
        text.push(format!("learn: {wants}"));
    }
    match &form.level {
        Some(level) => text.push(format!("level: {level}")),
        None => errors.push(("level".to_owned(), "Choose your level.".to_owned())),
    }
    if let Some(team_name) = form.team.as_deref().filter(|t| !t.trim().is_empty()) {
        text.push(format!("team: {}", team_name.replace(';', ",")));
    }
    if let Some(format) = &form.format {
        text.push(format!("format: {format}"));
    }
    if let Some(cadence) = &form.cadence {
        text.push(format!("cadence: {cadence}"));
    }
    // Who they never meet: ids from Slack's user pickers.
    let manager = match form.manager.as_deref().map(UserId::parse) {
        None => None,
        Some(Ok(m)) if &m == user => {
            errors.push((
                "manager".to_owned(),
                "That's you — choose your manager.".to_owned(),
            ));
            None
        }
        Some(Ok(m)) => Some(m),
        Some(Err(_)) => {
            errors.push(("manager".to_owned(), "Choose a person.".to_owned()));
            None
        }
    };
    let hours = match form
        .hours
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        None => None,
        Some(text) => match crate::meeting_time::Workday::parse(text) {
            Ok(w) => Some(w),
            Err(e) => {
                errors.push(("hours".to_owned(), e.to_string()));
                None
            }
        },
    };
    let avoid: Vec<UserId> = form
        .avoid
        .iter()
        .filter_map(|a| UserId::parse(a).ok())
        .filter(|a| a != user)
        .take(profile::MAX_AVOID)
        .collect();
    let mut profile = match app.docs.load::<Profile>(team, user, Doc::Profile).await {
        Ok(p) => p,
        Err(_) => return SubmitOutcome::StoreDown,
    };
    if errors.is_empty() {
        if let Err(e) = profile::apply_text(&mut profile, &text.join("; "), &skills) {
            let field = match e {
                profile::ProfileError::BadLevel => "level",
                profile::ProfileError::TooLong if form.team.is_some() => "team",
                _ => "offers",
            };
            errors.push((field.to_owned(), e.to_string()));
        }
    }
    // Goals are checked against the member's current book before anything is written.
    let mut book = match app.docs.load::<GoalBook>(team, user, Doc::Goals).await {
        Ok(b) => b,
        Err(_) => return SubmitOutcome::StoreDown,
    };
    for (field, goal) in &form.goals {
        if let Err(e) = book.add_once(goal) {
            errors.push((field.clone(), e.to_string()));
        }
    }
    if !errors.is_empty() {
        return SubmitOutcome::Invalid(errors);
    }
    // Applied to the profile as it is when written (not the copy checked
    // above), so an edit made meanwhile is kept; joined and the check-in
    // queued in the same atomic step.
    let fields = text.join("; ");
    let saved = app
        .docs
        .update_also(
            team,
            user,
            Doc::Profile,
            |p: &mut Profile| {
                profile::apply_text(p, &fields, &skills).map_err(|e| e.to_string())?;
                p.manager = manager.clone();
                p.avoid = avoid.clone();
                p.hours = hours;
                let before = p.membership;
                if p.membership == Membership::Out {
                    p.set_membership(Membership::Active);
                }
                Ok::<(String, Membership), String>((String::new(), before))
            },
            |p| Also {
                join: true,
                jobs: queue::checkin_job(app, user, p).into_iter().collect(),
            },
        )
        .await;
    match counted(app, team, user, saved).await {
        Ok(_) => {}
        Err(UpdateError::Refused(e)) => {
            return SubmitOutcome::Invalid(vec![("offers".to_owned(), e)])
        }
        Err(_) => return SubmitOutcome::StoreDown,
    }
    if !form.goals.is_empty() {
        let goals: Vec<String> = form.goals.iter().map(|(_, g)| g.clone()).collect();
        let added = super::goals::update_counted(app, team, user, |b: &mut GoalBook| {
            for g in &goals {
                // A form Slack sends again (it timed out waiting for
                // us) must not add the same goal twice.
                b.add_once(g)?;
            }
            Ok::<(), GoalError>(())
        })
        .await;
        if let Err(UpdateError::Refused(e)) = &added {
            return SubmitOutcome::Invalid(vec![("goal_1".to_owned(), e.to_string())]);
        }
        if added.is_err() {
            return SubmitOutcome::StoreDown;
        }
    }
    SubmitOutcome::Saved(AfterSave::Profile)
}

/// After the profile form is answered: the member's time zone as Slack has
/// it now (asked only then — `users.info` can be held by rate control for
/// up to a minute), stored with their check-in requeued if it changed.
pub async fn learn_timezone(app: &App, team: &TeamId, user: &UserId) {
    let zone = match app.workspace.timezone(user).await {
        Ok(Some(zone)) => zone,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, "time zone unknown: users.info failed");
            return;
        }
    };
    let stored = app
        .docs
        .update_also(
            team,
            user,
            Doc::Profile,
            |p: &mut Profile| {
                if p.timezone.as_deref() == Some(zone.as_str()) {
                    return Err(());
                }
                p.timezone = Some(zone.clone());
                Ok(())
            },
            |p| Also {
                join: false,
                jobs: queue::checkin_job(app, user, p).into_iter().collect(),
            },
        )
        .await;
    if let Err(e) = stored {
        if let Err(e) = e.refusal() {
            tracing::warn!(error = %e, "time zone not stored: store problem");
        }
    }
}

/// Someone joined the program channel: one welcome DM with a Join button,
/// unless they are already in. (The event is already claimed.)
pub async fn welcome(app: &App, team: &TeamId, user: &UserId) -> Vec<Effect> {
    let already_in = app
        .docs
        .load::<Profile>(team, user, Doc::Profile)
        .await
        .map(|p| p.membership != Membership::Out)
        .unwrap_or(false);
    if already_in {
        Vec::new()
    } else {
        vec![Effect::WelcomeDm { user: user.clone() }]
    }
}
