//! Slack identifiers as checked newtypes ("parse, don't validate").
//!
//! A team id ends up inside a Redis Cluster hash tag (`{T0123}`), so it must
//! never contain the characters that would break a key: only Slack's own id
//! alphabet (upper-case letters and digits) is accepted.

use std::fmt;

/// Why a string is not a Slack id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} id {value:?} is not a Slack id (expected upper-case letters and digits, starting with {prefixes})")]
pub struct BadId {
    kind: &'static str,
    value: String,
    prefixes: &'static str,
}

fn check(kind: &'static str, prefixes: &'static str, value: &str) -> Result<String, BadId> {
    let ok = (2..=32).contains(&value.len())
        && prefixes.contains(&value[..1])
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(value.to_owned())
    } else {
        Err(BadId {
            kind,
            // Cap what we echo back: the value came from outside.
            value: value.chars().take(40).collect(),
            prefixes,
        })
    }
}

macro_rules! slack_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $prefixes:literal) => {
        $(#[$doc])*
        ///
        /// Stored documents hold it as its string; reading one back goes
        /// through [`Self::parse`], so a bad id is an error at load, never
        /// silently dropped.
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
        )]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl TryFrom<String> for $name {
            type Error = BadId;
            fn try_from(value: String) -> Result<Self, BadId> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl $name {
            /// Accepts only a well-formed Slack id of this kind.
            pub fn parse(value: &str) -> Result<Self, BadId> {
                check($kind, $prefixes, value).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slack_id!(
    /// A workspace (team) id such as `T0123ABCD`; enterprise grids use `E…`.
    TeamId,
    "team",
    "TE"
);
slack_id!(
    /// A user id such as `U0123ABCD` (or `W…` on enterprise grids).
    UserId,
    "user",
    "UW"
);

slack_id!(
    /// A conversation id: a public channel (`C…`), a private channel or
    /// group DM (`G…`), or a DM (`D…`).
    ChannelId,
    "channel",
    "CGD"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_slack_ids() {
        assert_eq!(TeamId::parse("T0123ABC").unwrap().as_str(), "T0123ABC");
        assert!(UserId::parse("W0AB").is_ok());
    }

    #[test]
    fn rejects_anything_that_could_break_a_key() {
        for bad in ["", "T", "t0123", "T01}{", "T01:x", "U0123", "T0 12"] {
            assert!(TeamId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(UserId::parse("T0123").is_err());
        assert!(ChannelId::parse("U0123").is_err());
    }

    #[test]
    fn stored_ids_are_checked_when_read() {
        let ids: Vec<UserId> = serde_json::from_str(r#"["U0ANA","W0BEN"]"#).unwrap();
        assert_eq!(serde_json::to_string(&ids).unwrap(), r#"["U0ANA","W0BEN"]"#);
        assert!(serde_json::from_str::<Vec<UserId>>(r#"["U0ANA","<!channel>"]"#).is_err());
        assert!(serde_json::from_str::<ChannelId>(r#""G0CIRCLE""#).is_ok());
    }
}
