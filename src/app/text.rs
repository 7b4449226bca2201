//! What the app says to people, as data: plain words, a member's own words,
//! and references to people, channels and times. Only `slack::views` turns
//! a [`Text`] into Slack's markup (`<@U…>`, `<#C…>`, `<!date^…>`), escaping
//! members' words on the way, so the app never writes Slack's wire format.

use crate::ids::{ChannelId, UserId};
use chrono::{DateTime, Utc};

/// One piece of a [`Text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// The app's own words, shown as written (they may use `*bold*` and
    /// `` `code` ``).
    Plain(String),
    /// Words that came from a member (a team name, a skill): shown escaped,
    /// so they can never become a mention, link or broadcast.
    Quote(String),
    /// A person, shown as a mention.
    User(UserId),
    /// A channel, shown as a link to it.
    Channel(ChannelId),
    /// A moment, shown as a date in each reader's own time zone.
    Date(DateTime<Utc>),
    /// A moment, shown as a date and time in each reader's own time zone.
    Time(DateTime<Utc>),
}

impl From<&str> for Span {
    fn from(s: &str) -> Self {
        Span::Plain(s.to_owned())
    }
}

impl From<String> for Span {
    fn from(s: String) -> Self {
        Span::Plain(s)
    }
}

impl From<&UserId> for Span {
    fn from(u: &UserId) -> Self {
        Span::User(u.clone())
    }
}

impl From<&ChannelId> for Span {
    fn from(c: &ChannelId) -> Self {
        Span::Channel(c.clone())
    }
}

/// A message, or part of one, as spans in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(Vec<Span>);

/// `text!["Shared in ", &channel, " as ", n.to_string()]`: a [`Text`] of the
/// spans given, each through `Span::from`.
#[macro_export]
macro_rules! text {
    ($($part:expr),* $(,)?) => {
        $crate::app::Text::from_spans(vec![$($crate::app::Span::from($part)),*])
    };
}

impl Text {
    pub fn from_spans(spans: Vec<Span>) -> Self {
        Self(spans)
    }

    pub fn spans(&self) -> &[Span] {
        &self.0
    }

    /// Appends `span`.
    pub fn push(&mut self, span: impl Into<Span>) {
        self.0.push(span.into());
    }

    /// Appends every span of `other`.
    pub fn extend(&mut self, other: Text) {
        self.0.extend(other.0);
    }

    /// `members` as a list separated by `sep` (", " or " and ").
    pub fn people(members: &[UserId], sep: &str) -> Self {
        let mut text = Text::default();
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                text.push(sep);
            }
            text.push(m);
        }
        text
    }

    /// Engine output that names `members` by their ids (a pair's reasons):
    /// each id becomes a mention; everything between is quoted, since it
    /// carries members' skill and team names.
    pub fn naming(words: &str, members: &[UserId]) -> Self {
        let mut text = Text::default();
        let mut rest = words;
        while !rest.is_empty() {
            let next = members
                .iter()
                .filter_map(|m| rest.find(m.as_str()).map(|at| (at, m)))
                .min_by_key(|(at, m)| (*at, std::cmp::Reverse(m.as_str().len())));
            let Some((at, member)) = next else {
                text.push(Span::Quote(rest.to_owned()));
                break;
            };
            if at > 0 {
                text.push(Span::Quote(rest[..at].to_owned()));
            }
            text.push(member);
            rest = &rest[at + member.as_str().len()..];
        }
        text
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(vec![Span::from(s)])
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(vec![Span::from(s)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(id: &str) -> UserId {
        UserId::parse(id).unwrap()
    }

    #[test]
    fn reasons_name_members_by_mention_and_quote_the_rest() {
        let (ana, ben) = (u("U0ANA"), u("U0BEN"));
        let text = Text::naming(
            "U0ANA can help U0BEN with <sql>",
            &[ana.clone(), ben.clone()],
        );
        assert_eq!(
            text.spans(),
            [
                Span::User(ana),
                Span::Quote(" can help ".into()),
                Span::User(ben),
                Span::Quote(" with <sql>".into()),
            ]
        );
        assert_eq!(
            Text::naming("different teams", &[u("U0ANA")]).spans(),
            [Span::Quote("different teams".into())]
        );
    }

    #[test]
    fn the_macro_takes_words_people_and_channels() {
        let c = ChannelId::parse("G0CIRCLE1").unwrap();
        let t = text!["You're in ", &c, ". Say hello!"];
        assert_eq!(t.spans().len(), 3);
        assert_eq!(t.spans()[1], Span::Channel(c));
        assert_eq!(
            Text::people(&[u("U0A1"), u("U0B2")], " and ").spans(),
            [
                Span::User(u("U0A1")),
                Span::Plain(" and ".into()),
                Span::User(u("U0B2"))
            ]
        );
    }
}
