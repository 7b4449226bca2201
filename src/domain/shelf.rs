//! The shelf: resources a member shared (a link and why it helped), kept so
//! they can find them again and, once paired, so their partner can too.

use super::numbered::{Entry, Numbered};
use serde::{Deserialize, Serialize};

/// Longest accepted URL and comment, in characters.
pub const MAX_URL: usize = 500;
pub const MAX_WHY: usize = 280;
/// Oldest items drop off beyond this many.
pub const MAX_ITEMS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub number: u32,
    pub url: String,
    pub why: Option<String>,
    /// Who shared it, when someone else did (a partner): their words leave
    /// this shelf if they ask Tandem to forget them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<crate::ids::UserId>,
}

/// A member's shelf (versioned JSON).
pub type Shelf = Numbered<Item>;

impl Entry for Item {
    const FIELD: &'static str = "items";
    fn number(&self) -> u32 {
        self.number
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("Share a link like `/tandem share https://example.com/article why it helped`.")]
    Missing,
    #[error("`{0}` is not a web link; share an address that starts with https:// or http://.")]
    NotALink(String),
    #[error("That link is over {MAX_URL} characters; try a shorter one.")]
    TooLong,
    #[error("Keep the note on why to {MAX_WHY} characters.")]
    WhyTooLong,
}

/// Splits `share` text into a checked link and the optional reason (as
/// given: the caller turns Slack's escaping back into what was typed).
pub fn parse_share(text: &str) -> Result<(String, Option<String>), ShareError> {
    let text = text.trim();
    let (link, why) = match text.split_once(char::is_whitespace) {
        Some((l, w)) => (l, Some(w.trim()).filter(|w| !w.is_empty())),
        None => (text, None),
    };
    if link.is_empty() {
        return Err(ShareError::Missing);
    }
    // Slack wraps links it recognised in <…> (and <url|label>).
    let link = link.trim_start_matches('<').trim_end_matches('>');
    let link = link.split('|').next().unwrap_or(link);
    if link.chars().count() > MAX_URL {
        return Err(ShareError::TooLong);
    }
    let parsed = url::Url::parse(link).map_err(|_| ShareError::NotALink(shorten(link)))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(ShareError::NotALink(shorten(link)));
    }
    if why.is_some_and(|w| w.chars().count() > MAX_WHY) {
        return Err(ShareError::WhyTooLong);
    }
    Ok((parsed.to_string(), why.map(str::to_owned)))
}

fn shorten(s: &str) -> String {
    let cut: String = s
        .chars()
        .filter(|c| !matches!(c, '`' | '<' | '>'))
        .take(40)
        .collect();
    if s.chars().count() > 40 {
        format!("{cut}…")
    } else {
        cut
    }
}

impl Shelf {
    pub fn add(&mut self, url: String, why: Option<String>) -> u32 {
        self.add_from(None, url, why)
    }

    /// Adds what `from` (a partner) shared, remembering who it came from.
    pub fn add_shared(
        &mut self,
        from: &crate::ids::UserId,
        url: String,
        why: Option<String>,
    ) -> u32 {
        self.add_from(Some(from.clone()), url, why)
    }

    /// Removes everything `user` shared here; whether anything went.
    pub fn forget_sharer(&mut self, user: &crate::ids::UserId) -> bool {
        let before = self.items.len();
        self.items.retain(|i| i.from.as_ref() != Some(user));
        self.items.len() != before
    }

    fn add_from(
        &mut self,
        from: Option<crate::ids::UserId>,
        url: String,
        why: Option<String>,
    ) -> u32 {
        let number = self.next;
        self.next += 1;
        self.items.push(Item {
            number,
            url,
            why,
            from,
        });
        if self.items.len() > MAX_ITEMS {
            self.items.remove(0);
        }
        number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_checked() {
        assert_eq!(
            parse_share("https://example.com/a great read").unwrap(),
            (
                "https://example.com/a".to_owned(),
                Some("great read".to_owned())
            )
        );
        assert_eq!(
            parse_share("<https://example.com/x|example>").unwrap().0,
            "https://example.com/x"
        );
        assert_eq!(parse_share(""), Err(ShareError::Missing));
        assert_eq!(
            parse_share("ftp://x.y"),
            Err(ShareError::NotALink("ftp://x.y".into()))
        );
        assert_eq!(
            parse_share("not-a-link"),
            Err(ShareError::NotALink("not-a-link".into()))
        );
        assert_eq!(
            parse_share(&format!("https://x.y/{}", "a".repeat(600))),
            Err(ShareError::TooLong)
        );
    }

    #[test]
    fn the_shelf_keeps_the_latest() {
        let mut shelf = Shelf::default();
        for i in 0..(MAX_ITEMS + 3) {
            shelf.add(format!("https://x.y/{i}"), None);
        }
        assert_eq!(shelf.items.len(), MAX_ITEMS);
        assert_eq!(shelf.items[0].number, 4);
    }
}
