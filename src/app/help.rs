//! The command list shown by `/tandem help` and on the Home tab. One table,
//! so help, usage hints and "coming soon" labels never disagree.

/// One `/tandem` subcommand as users see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandDoc {
    /// The words that select it, e.g. `["goal", "add"]`; the first is the key.
    pub words: &'static [&'static str],
    /// Usage line without the `/tandem ` prefix.
    pub usage: &'static str,
    pub summary: &'static str,
    /// Built and working end to end.
    pub available: bool,
    /// Only for program admins.
    pub admin: bool,
}

const fn doc(
    words: &'static [&'static str],
    usage: &'static str,
    summary: &'static str,
    available: bool,
    admin: bool,
) -> CommandDoc {
    CommandDoc {
        words,
        usage,
        summary,
        available,
        admin,
    }
}

/// Every subcommand of DESIGN.md §2, in the order help lists them.
pub const COMMANDS: &[CommandDoc] = &[
    doc(&["help"], "help", "this list", true, false),
    doc(&["join"], "join", "join the program", true, false),
    doc(
        &["profile"],
        "profile [offer: …; learn: …; level: …; hours: 08:00-16:00; manager: @someone]",
        "see or change what you offer and want to learn",
        true,
        false,
    ),
    doc(
        &["status"],
        "status",
        "your membership, profile, goals and notes",
        true,
        false,
    ),
    doc(
        &["goal"],
        "goal add <text> · goal step <n> <text> · goal done <n> · goal drop <n> · goal share <n> · goal private <n>",
        "set goals, break them into steps, share one with your partner",
        true,
        false,
    ),
    doc(&["goals"], "goals", "list your goals", true, false),
    doc(
        &["note"],
        "note <text> · note done <n>",
        "a private follow-up for your next meeting",
        true,
        false,
    ),
    doc(
        &["notes"],
        "notes",
        "list your follow-up notes",
        true,
        false,
    ),
    doc(
        &["share"],
        "share <url> [why]",
        "keep a resource on your shelf and send it to your partner or circle",
        true,
        false,
    ),
    doc(
        &["checkin"],
        "checkin",
        "your check-in now (this week's again if you have it)",
        true,
        false,
    ),
    doc(
        &["pause"],
        "pause [2w | until 2027-01-10]",
        "take a break from matching and prompts",
        true,
        false,
    ),
    doc(&["resume"], "resume", "come back from a pause", true, false),
    doc(
        &["avoid"],
        "avoid @someone · avoid · avoid remove @someone",
        "never be paired with someone — nobody is told, not them, not admins",
        true,
        false,
    ),
    doc(&["leave"], "leave", "leave the program", true, false),
    doc(
        &["forget"],
        "forget",
        "erase everything Tandem holds about you",
        true,
        false,
    ),
    doc(
        &["admin"],
        "admin round [preview] · admin checkins · admin circles [preview] [size] · admin circle #channel",
        "pair everyone now (or preview the pairs); send check-ins now; form circles, or make a channel a circle (admins only)",
        true,
        true,
    ),
    doc(
        &["admin stats"],
        "admin stats [30d|90d|all] · admin stats chart",
        "program health: members, rounds, meetings, check-ins, goals, unmet demand, trends (as a chart in your DM) — counts only (admins only)",
        true,
        true,
    ),
    doc(
        &["admin pause"],
        "admin pause @someone [2w | until 2027-01-10] · admin resume @someone · admin remove @someone · admin log · admin org",
        "pause, resume or take out one member (they're told by DM); the last 50 admin actions; how many have a manager on file (admins only)",
        true,
        true,
    ),
    doc(
        &["admin export"],
        "admin export [30d|90d|all]",
        "a CSV of counts in your DM: one row per member (no names) and per round (admins only)",
        true,
        true,
    ),
];

/// The doc whose first word is `word`.
pub fn find(word: &str) -> Option<&'static CommandDoc> {
    COMMANDS.iter().find(|d| d.words[0] == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_first_word_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for d in COMMANDS {
            assert!(seen.insert(d.words[0]), "{} listed twice", d.words[0]);
        }
    }

    #[test]
    fn help_is_available() {
        assert!(find("help").unwrap().available);
    }
}
