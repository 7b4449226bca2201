//! Parsing the text after `/tandem` into a [`Command`].

use super::help::{self, CommandDoc};

/// Longest part of unknown input we echo back.
const ECHO_LIMIT: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    /// Listed in help but not built yet.
    ComingSoon(&'static CommandDoc),
    /// Not a subcommand; carries the first word, sanitised for display.
    Unknown(String),
}

/// Parses command text. Case and surrounding space do not matter; an empty
/// command shows help, since that is what someone trying `/tandem` wants.
pub fn parse(text: &str) -> Command {
    let first = text.split_whitespace().next().unwrap_or("help");
    let word = first.to_lowercase();
    match help::find(&word) {
        Some(doc) if doc.words[0] == "help" => Command::Help,
        Some(doc) => Command::ComingSoon(doc),
        None if matches!(word.as_str(), "-h" | "--help" | "?") => Command::Help,
        None => Command::Unknown(sanitise(first)),
    }
}

/// Keeps a short, formatting-free echo of what was typed: no backticks or
/// angle brackets, so the echo cannot break out of inline code or mention.
fn sanitise(word: &str) -> String {
    let mut clean: String = word
        .chars()
        .filter(|c| !matches!(c, '`' | '<' | '>' | '*' | '_' | '~') && !c.is_control())
        .take(ECHO_LIMIT)
        .collect();
    if word.chars().count() > ECHO_LIMIT {
        clean.push('…');
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_help_show_help() {
        assert_eq!(parse(""), Command::Help);
        assert_eq!(parse("   "), Command::Help);
        assert_eq!(parse("HELP"), Command::Help);
        assert_eq!(parse("?"), Command::Help);
    }

    #[test]
    fn listed_but_unbuilt_is_coming_soon() {
        assert!(
            matches!(parse("goal add learn sql"), Command::ComingSoon(d) if d.words[0] == "goal")
        );
    }

    #[test]
    fn unknown_echoes_a_safe_word() {
        assert_eq!(
            parse("frobnicate now"),
            Command::Unknown("frobnicate".into())
        );
        assert_eq!(parse("`<!here>`"), Command::Unknown("!here".into()));
        let long = "x".repeat(80);
        assert_eq!(
            parse(&long),
            Command::Unknown(format!("{}…", "x".repeat(30)))
        );
    }
}
