//! A member's follow-up notes, and their shelf: links shared with a
//! partner, trio or circle (and kept on everyone's shelf).

use super::command::plain;
use super::context::App;
use super::documents::{changed, UpdateError};
use super::home;
use super::model::{Effect, Outcome, Reply};
use super::text::Text;
use crate::domain::notes::{NoteBook, NoteError};
use crate::domain::pairing::Pairing;
use crate::domain::shelf::{parse_share, Shelf};
use crate::ids::{ChannelId, TeamId, UserId};
use crate::store::Doc;

async fn change(
    app: &App,
    team: &TeamId,
    user: &UserId,
    f: impl Fn(&mut NoteBook) -> Result<String, NoteError>,
) -> Outcome {
    let result = app.docs.update(team, user, Doc::Notes, f).await;
    changed(result, |h, book| Reply::Notes {
        headline: Some(h),
        book,
    })
}

/// `/tandem notes`.
pub async fn list(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    match app.docs.load::<NoteBook>(team, user, Doc::Notes).await {
        Ok(book) => {
            let headline = (book.open().count() == 0)
                .then(|| "No open notes. Add one with `/tandem note <text>`.".to_owned());
            Outcome::reply(Reply::Notes { headline, book })
        }
        Err(e) => {
            tracing::warn!(error = %e, "command not served: store problem");
            Outcome::store_down()
        }
    }
}

pub async fn add(app: &App, team: &TeamId, user: &UserId, text: &str) -> Outcome {
    change(app, team, user, |b| {
        b.add(text)
            .map(|n| format!("Noted as {n}. It will be on your Home tab for your next meeting."))
    })
    .await
}

pub async fn done(app: &App, team: &TeamId, user: &UserId, n: u32) -> Outcome {
    change(app, team, user, |b| {
        b.done(n).map(|_| format!("Ticked off note {n}."))
    })
    .await
}

/// `/tandem share <link> [why]`: kept on the member's shelf and, when they
/// have a partner, trio or circle, on theirs too, and posted to them.
pub async fn share(app: &App, team: &TeamId, user: &UserId, text: &str) -> Outcome {
    let (url, why) = match parse_share(text) {
        Ok((url, why)) => (url, why.map(|w| plain(&w))),
        Err(e) => return Outcome::refused(e.to_string()),
    };
    match app.docs.load_circles(team).await {
        Ok(book) => {
            if let Some(circle) = book.of_member(user) {
                let channel = circle.channel.clone();
                return share_with_circle(app, team, user, &channel, url, why).await;
            }
        }
        Err(_) => return Outcome::store_down(),
    }
    let pairing: Pairing = match app.docs.load(team, user, Doc::Pairing).await {
        Ok(p) => p,
        Err(_) => return Outcome::store_down(),
    };
    let partners = pairing.partners;
    let headline = |n: u32| {
        if partners.is_empty() {
            Text::from(format!("Saved to your shelf as {n}. You don't have a partner or circle yet, so it wasn't sent to anyone; it stays on your Home tab."))
        } else {
            let mut text = crate::text!["Sent to "];
            text.extend(Text::people(&partners, " and "));
            text.push(format!(" and kept on your shelves as {n}."));
            text
        }
    };
    let result = app
        .docs
        .update(team, user, Doc::Shelf, |s: &mut Shelf| {
            Ok::<_, std::convert::Infallible>(headline(s.add(url.clone(), why.clone())))
        })
        .await;
    let mut outcome = changed(result, |headline, shelf| Reply::Shelf { headline, shelf });
    if outcome.reply == Reply::StoreDown || partners.is_empty() {
        return outcome;
    }
    for p in &partners {
        let added = app
            .docs
            .update(team, p, Doc::Shelf, |s: &mut Shelf| {
                s.add_shared(user, url.clone(), why.clone());
                Ok::<(), std::convert::Infallible>(())
            })
            .await;
        if added.is_err() {
            tracing::warn!(partner = %p, "a shared link reached the partner but not their shelf");
        }
    }
    // The partner's Home tab shows their shelf: bring it up to date too.
    outcome
        .effects
        .extend(home::refresh_all(app, team, &partners).await);
    let mut members = vec![user.clone()];
    members.extend(partners.iter().cloned());
    outcome.effects.push(Effect::Share {
        from: user.clone(),
        members,
        url,
        why,
    });
    outcome
}

/// A circle member's share: posted in the circle's channel, kept on the
/// circle's shelf and the member's own.
async fn share_with_circle(
    app: &App,
    team: &TeamId,
    user: &UserId,
    channel: &ChannelId,
    url: String,
    why: Option<String>,
) -> Outcome {
    let kept = app
        .docs
        .update(team, user, Doc::Shelf, |s: &mut Shelf| {
            Ok::<u32, std::convert::Infallible>(s.add(url.clone(), why.clone()))
        })
        .await;
    let n = match kept {
        Ok((n, _)) => n,
        Err(_) => return Outcome::store_down(),
    };
    let shelved = app
        .docs
        .update_circles(team, |b| {
            let Some(c) = b.items.iter_mut().find(|c| c.has(user)) else {
                return Err(());
            };
            c.add_to_shelf(user, url.clone(), why.clone());
            Ok(())
        })
        .await;
    if let Err(UpdateError::Store(_)) = shelved {
        return Outcome::store_down();
    }
    let effects = [Effect::ShareInChannel {
        from: user.clone(),
        channel: channel.clone(),
        url,
        why,
    }];
    Outcome::done(crate::text![
        "Shared in ",
        channel,
        format!(" and kept on your shelf as {n} and on the circle's shelf.")
    ])
    .with_effects(effects)
    .refreshing_home()
}
