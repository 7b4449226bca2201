//! Parsing the text after `/tandem` into a [`Command`].

use super::help::{self, CommandDoc};

/// Longest part of unknown input we echo back.
const ECHO_LIMIT: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    /// Known subcommand, malformed arguments: show its usage line.
    Usage(&'static CommandDoc),
    GoalAdd(String),
    GoalStep(u32, String),
    GoalDone(u32),
    GoalDrop(u32),
    /// Share a goal with partners (`true`) or make it private (`false`).
    GoalShare(u32, bool),
    Goals,
    NoteAdd(String),
    NoteDone(u32),
    Notes,
    Forget,
    Share(String),
    /// `checkin`: my check-in now.
    CheckinNow,
    /// `admin round` (`preview`: plan only).
    AdminRound {
        preview: bool,
    },
    /// `admin checkins`: send everyone's check-in now.
    AdminCheckins,
    /// `admin circles [preview] [size]`.
    AdminCircles {
        preview: bool,
        size: Option<usize>,
    },
    /// `admin stats [30d|90d|all]`.
    AdminStats(crate::domain::figures::Period),
    /// `admin stats chart`: the trends as a PNG in the admin's DM.
    AdminChart,
    /// `admin export [30d|90d|all]`: a CSV of counts in the admin's DM.
    AdminExport(crate::domain::figures::Period),
    /// `admin pause @x [2w | until DATE]` (the spec after the member).
    AdminPause(crate::ids::UserId, String),
    /// `admin resume @x`.
    AdminResume(crate::ids::UserId),
    /// `admin remove @x` (asks to confirm).
    AdminRemove(crate::ids::UserId),
    /// `admin log`: the last admin actions.
    AdminLog,
    /// `admin org`: how many members have a manager on file.
    AdminOrg,
    /// `admin circle <#channel>`: make a channel's members a circle.
    AdminBindCircle(crate::ids::ChannelId),
    Join,
    /// `avoid`: my do-not-pair list.
    Avoids,
    /// `avoid @x`, or `avoid remove @x` (`false`).
    Avoid(crate::ids::UserId, bool),
    /// `profile` alone shows it; with text, sets fields.
    Profile(String),
    Status,
    /// The pause spec (`2w`, `until 2027-01-10`, or empty).
    Pause(String),
    Resume,
    Leave,
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
    // What follows the first word, with the member's own spacing and case.
    let rest = text.trim_start()[first.len().min(text.trim_start().len())..].trim();
    match help::find(&word) {
        Some(doc) if doc.words[0] == "help" => Command::Help,
        Some(doc) if doc.words[0] == "goal" => parse_goal(rest, doc),
        Some(doc) if doc.words[0] == "goals" => Command::Goals,
        Some(doc) if doc.words[0] == "note" => parse_note(rest, doc),
        Some(doc) if doc.words[0] == "notes" => Command::Notes,
        Some(doc) if doc.words[0] == "forget" => Command::Forget,
        Some(doc) if doc.words[0] == "checkin" => Command::CheckinNow,
        Some(doc) if doc.words[0] == "share" => Command::Share(rest.to_owned()),
        Some(doc) if doc.words[0] == "admin" => {
            let (verb, args) = split_word(rest);
            match (verb.as_str(), args.to_lowercase().as_str()) {
                ("round", "") => Command::AdminRound { preview: false },
                ("round", "preview") => Command::AdminRound { preview: true },
                ("checkins", "") => Command::AdminCheckins,
                ("circles", args) => parse_circles(args).unwrap_or(Command::Usage(doc)),
                ("circle", _) => match parse_channel(args) {
                    Some(channel) => Command::AdminBindCircle(channel),
                    None => Command::Usage(doc),
                },
                ("stats", "chart") => Command::AdminChart,
                ("stats", args) => match crate::domain::figures::Period::parse(args) {
                    Some(period) => Command::AdminStats(period),
                    None => help::find("admin stats").map_or(Command::Usage(doc), Command::Usage),
                },
                ("pause" | "resume" | "remove", args) => {
                    let members = help::find("admin pause").unwrap_or(doc);
                    let (who, rest) = split_word(args);
                    match (verb.as_str(), parse_user(&who)) {
                        ("pause", Some(m)) => Command::AdminPause(m, rest.to_owned()),
                        ("resume", Some(m)) if rest.is_empty() => Command::AdminResume(m),
                        ("remove", Some(m)) if rest.is_empty() => Command::AdminRemove(m),
                        _ => Command::Usage(members),
                    }
                }
                ("log", "") => Command::AdminLog,
                ("org", "") => Command::AdminOrg,
                ("export", args) => match crate::domain::figures::Period::parse(args) {
                    Some(period) => Command::AdminExport(period),
                    None => help::find("admin export").map_or(Command::Usage(doc), Command::Usage),
                },
                _ => Command::Usage(doc),
            }
        }
        Some(doc) if doc.words[0] == "join" => Command::Join,
        Some(doc) if doc.words[0] == "profile" => Command::Profile(plain(&manager_as_id(rest))),
        Some(doc) if doc.words[0] == "avoid" => parse_avoid(rest, doc),
        Some(doc) if doc.words[0] == "status" => Command::Status,
        Some(doc) if doc.words[0] == "pause" => Command::Pause(rest.to_owned()),
        Some(doc) if doc.words[0] == "resume" => Command::Resume,
        Some(doc) if doc.words[0] == "leave" => Command::Leave,
        Some(doc) => Command::ComingSoon(doc),
        None if matches!(word.as_str(), "-h" | "--help" | "?") => Command::Help,
        None => Command::Unknown(sanitise(first)),
    }
}

/// Splits off the first word of `text` (lower-cased) and the rest.
fn split_word(text: &str) -> (String, &str) {
    let text = text.trim();
    match text.split_once(char::is_whitespace) {
        Some((w, rest)) => (w.to_lowercase(), rest.trim()),
        None => (text.to_lowercase(), ""),
    }
}

/// A goal or note number: `3` or `#3`.
fn number(text: &str) -> Option<u32> {
    text.trim()
        .trim_start_matches('#')
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

/// Free text as the member typed it. The slash command is escaped (so
/// `admin circle #team` arrives as the channel's id): Slack turns
/// mentions and links into `<@U123|sam>`, `<#C123|team>`, `<https://…|…>`
/// and `<!here>`, and a typed `<`, `>` or `&` into `&lt;`, `&gt;`, `&amp;`.
/// Kept text reads as typed — `@sam`, `#team`, the link, `1 < 2` — and can
/// never mention anyone when shown again (views escape it).
pub fn plain(text: &str) -> String {
    let literal = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&literal(&rest[..start]));
        let Some(len) = rest[start..].find('>') else {
            out.push_str(&literal(&rest[start..]));
            return out;
        };
        let token = &rest[start + 1..start + len];
        let (target, label) = match token.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (token, None),
        };
        let shown = match target.chars().next() {
            Some('@') => format!("@{}", label.unwrap_or(&target[1..])),
            Some('#') => format!("#{}", label.unwrap_or(&target[1..])),
            Some('!') => {
                let name = target[1..].split('^').next().unwrap_or_default();
                format!("@{}", label.unwrap_or(name))
            }
            _ => target.to_owned(),
        };
        out.push_str(&literal(&shown));
        rest = &rest[start + len + 1..];
    }
    out.push_str(&literal(rest));
    out
}

/// `manager: <@U123|sam>` as `manager: U123`, so the id survives
/// [`plain`] (which turns mentions into names for free text).
fn manager_as_id(text: &str) -> String {
    text.split(';')
        .map(|part| {
            let (key, value) = match part.split_once(':') {
                Some(kv) => kv,
                None => return part.to_owned(),
            };
            if key.trim().eq_ignore_ascii_case("manager") {
                match parse_user(value) {
                    Some(id) => format!("{key}: {id}"),
                    None => part.to_owned(),
                }
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// `avoid`, `avoid @x`, `avoid remove @x`.
fn parse_avoid(rest: &str, doc: &'static CommandDoc) -> Command {
    let (verb, args) = split_word(rest);
    match (verb.as_str(), args) {
        ("", "") | ("list", "") => Command::Avoids,
        ("remove" | "rm" | "delete", who) => {
            parse_user(who).map_or(Command::Usage(doc), |u| Command::Avoid(u, false))
        }
        (_, "") => parse_user(rest).map_or(Command::Usage(doc), |u| Command::Avoid(u, true)),
        _ => Command::Usage(doc),
    }
}

/// `[preview] [size]`, in either order.
fn parse_circles(args: &str) -> Option<Command> {
    let (mut preview, mut size) = (false, None);
    for word in args.split_whitespace() {
        match word {
            "preview" if !preview => preview = true,
            n => size = Some(n.parse::<usize>().ok().filter(|_| size.is_none())?),
        }
    }
    Some(Command::AdminCircles { preview, size })
}

fn parse_goal(rest: &str, doc: &'static CommandDoc) -> Command {
    let (verb, args) = split_word(rest);
    match verb.as_str() {
        "add" if !args.is_empty() => Command::GoalAdd(plain(args)),
        "step" => {
            let (n, text) = split_word(args);
            match number(&n) {
                Some(n) if !text.is_empty() => Command::GoalStep(n, plain(text)),
                _ => Command::Usage(doc),
            }
        }
        "done" => number(args).map_or(Command::Usage(doc), Command::GoalDone),
        "drop" => number(args).map_or(Command::Usage(doc), Command::GoalDrop),
        "share" => number(args).map_or(Command::Usage(doc), |n| Command::GoalShare(n, true)),
        "private" | "unshare" => {
            number(args).map_or(Command::Usage(doc), |n| Command::GoalShare(n, false))
        }
        "" | "list" => Command::Goals,
        _ => Command::Usage(doc),
    }
}

fn parse_note(rest: &str, doc: &'static CommandDoc) -> Command {
    let (verb, args) = split_word(rest);
    match verb.as_str() {
        "" => Command::Usage(doc),
        "done" => match number(args) {
            Some(n) => Command::NoteDone(n),
            // "note done with the review" is a note, not a command.
            None if !args.is_empty() && args.parse::<i64>().is_err() => {
                Command::NoteAdd(plain(rest))
            }
            None => Command::Usage(doc),
        },
        _ => Command::NoteAdd(plain(rest)),
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

/// Reads a member from command text: Slack's `<@U123|name>` (or
/// `<@U123>`), or a bare id. (`split_word` lower-cases; ids are upper
/// case, so they are read back in upper case.)
fn parse_user(text: &str) -> Option<crate::ids::UserId> {
    let t = text.trim();
    let id = match t.strip_prefix("<@") {
        Some(rest) => rest.trim_end_matches('>').split('|').next()?,
        None => t,
    };
    let id = id.to_uppercase();
    let ok = matches!(id.as_bytes().first(), Some(b'U' | b'W'));
    ok.then(|| crate::ids::UserId::parse(&id).ok()).flatten()
}

/// Reads a channel from command text: Slack's `<#C123|name>` (or `<#C123>`),
/// or a bare id.
fn parse_channel(text: &str) -> Option<crate::ids::ChannelId> {
    let t = text.trim();
    let id = match t.strip_prefix("<#") {
        Some(rest) => rest.trim_end_matches('>').split('|').next()?,
        None => t,
    };
    let ok = id.len() >= 9 && id.len() <= 20 && matches!(id.as_bytes()[0], b'C' | b'G');
    ok.then(|| crate::ids::ChannelId::parse(id).ok()).flatten()
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
        assert_eq!(parse("checkin"), Command::CheckinNow);
        assert_eq!(
            parse("admin stats 90D"),
            Command::AdminStats(crate::domain::figures::Period::Days(90))
        );
        assert_eq!(
            parse("admin stats"),
            Command::AdminStats(crate::domain::figures::Period::Days(30))
        );
        assert_eq!(parse("admin stats Chart"), Command::AdminChart);
        assert!(
            matches!(parse("admin stats 7y"), Command::Usage(d) if d.usage == "admin stats [30d|90d|all] · admin stats chart"),
            "its own usage, not the list of admin commands"
        );
        assert_eq!(
            parse("admin export all"),
            Command::AdminExport(crate::domain::figures::Period::All)
        );
        assert!(
            matches!(parse("admin export weekly"), Command::Usage(d) if d.usage == "admin export [30d|90d|all]")
        );
        assert!(matches!(parse("admin frobnicate"), Command::Usage(d) if d.words[0] == "admin"));
    }

    #[test]
    fn goals_and_notes() {
        assert_eq!(
            parse("goal add Learn SQL  window functions"),
            Command::GoalAdd("Learn SQL  window functions".into())
        );
        assert_eq!(
            parse("Goal Step 2 read the docs"),
            Command::GoalStep(2, "read the docs".into())
        );
        assert_eq!(parse("goal done #3"), Command::GoalDone(3));
        assert_eq!(parse("goal drop 1"), Command::GoalDrop(1));
        assert_eq!(parse("goal share 2"), Command::GoalShare(2, true));
        assert_eq!(
            parse("goal add Pair with <@U0SAM|sam> on <#C0DATA01|data> <https://x.dev/a|x.dev/a> <!here>"),
            Command::GoalAdd("Pair with @sam on #data https://x.dev/a @here".into())
        );
        assert_eq!(
            parse("note ask <@U0SAM> if 1 &lt; 2 &amp;&amp; 3 &gt; 2"),
            Command::NoteAdd("ask @U0SAM if 1 < 2 && 3 > 2".into())
        );
        assert_eq!(
            parse("admin circles"),
            Command::AdminCircles {
                preview: false,
                size: None
            }
        );
        assert_eq!(
            parse("admin circles preview 5"),
            Command::AdminCircles {
                preview: true,
                size: Some(5)
            }
        );
        assert_eq!(
            parse("admin circle <#C0DESIGN01|design>"),
            Command::AdminBindCircle(crate::ids::ChannelId::parse("C0DESIGN01").unwrap())
        );
        assert!(matches!(parse("admin circles big"), Command::Usage(_)));
        assert!(matches!(parse("admin circle #design"), Command::Usage(_)));
        assert_eq!(parse("goal private #2"), Command::GoalShare(2, false));
        assert_eq!(parse("goals"), Command::Goals);
        assert!(matches!(parse("goal done three"), Command::Usage(d) if d.words[0] == "goal"));
        assert!(matches!(parse("goal add"), Command::Usage(_)));
        assert!(matches!(parse("goal step 2"), Command::Usage(_)));
        assert_eq!(
            parse("note Ask Ben about indexes"),
            Command::NoteAdd("Ask Ben about indexes".into())
        );
        assert_eq!(parse("note done 4"), Command::NoteDone(4));
        assert_eq!(
            parse("note done with the review"),
            Command::NoteAdd("done with the review".into())
        );
        assert_eq!(parse("notes"), Command::Notes);
        assert!(matches!(parse("note"), Command::Usage(d) if d.words[0] == "note"));
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

    #[test]
    fn avoid_lists_and_managers() {
        let sam = crate::ids::UserId::parse("U0SAM").unwrap();
        assert_eq!(parse("avoid"), Command::Avoids);
        assert_eq!(
            parse("avoid <@U0SAM|sam>"),
            Command::Avoid(sam.clone(), true)
        );
        assert_eq!(parse("avoid remove <@U0SAM>"), Command::Avoid(sam, false));
        assert!(matches!(parse("avoid sam"), Command::Usage(d) if d.words[0] == "avoid"));
        assert!(matches!(parse("avoid remove"), Command::Usage(_)));
        assert_eq!(
            parse("profile level: 3; manager: <@U0SAM|sam>"),
            Command::Profile("level: 3; manager: U0SAM".into())
        );
        assert_eq!(
            parse("profile manager: none"),
            Command::Profile("manager: none".into())
        );
    }

    #[test]
    fn admin_member_controls() {
        let ana = crate::ids::UserId::parse("U0ANA").unwrap();
        assert_eq!(
            parse("admin pause <@U0ANA|ana> until 2027-01-10"),
            Command::AdminPause(ana.clone(), "until 2027-01-10".into())
        );
        assert_eq!(
            parse("admin pause <@U0ANA>"),
            Command::AdminPause(ana.clone(), String::new())
        );
        assert_eq!(
            parse("admin resume <@U0ANA|ana>"),
            Command::AdminResume(ana.clone())
        );
        assert_eq!(parse("admin remove U0ANA"), Command::AdminRemove(ana));
        assert_eq!(parse("admin log"), Command::AdminLog);
        for wrong in [
            "admin pause",
            "admin pause @ana",
            "admin remove <@U0ANA> now",
            "admin resume <#C0123ABCD>",
        ] {
            assert!(
                matches!(parse(wrong), Command::Usage(d) if d.words[0] == "admin pause"),
                "{wrong}"
            );
        }
    }

    #[test]
    fn channels_are_read_from_mentions_or_ids() {
        let id = |s: &str| Some(crate::ids::ChannelId::parse(s).unwrap());
        assert_eq!(parse_channel("<#C0123ABCD|design>"), id("C0123ABCD"));
        assert_eq!(parse_channel(" <#G0123ABCD> "), id("G0123ABCD"));
        assert_eq!(parse_channel("C0123ABCD"), id("C0123ABCD"));
        assert_eq!(parse_channel("#design"), None);
        assert_eq!(parse_channel("U0123ABCD"), None);
    }

    proptest::proptest! {
        /// Any text after `/tandem` parses to a command or a usage line —
        /// never a panic — including every numeric argument at any size.
        #[test]
        fn any_text_parses_without_panicking(
            text in "\\PC{0,60}",
            n in proptest::num::u64::ANY,
            word in "(goal|goal done|goal step|goal drop|note done|admin circles|admin circles preview|pause|profile level:|checkin|share)",
        ) {
            let _ = parse(&text);
            let _ = parse(&format!("{word} {n}"));
            let _ = parse(&format!("{word} -{n}"));
            let _ = parse(&format!("{word} {text}"));
        }
    }
}
