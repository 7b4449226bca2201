//! Program health for admins: `admin stats` and the round report. Counts
//! only; every number goes through [`shown`] (1 to 4 become "<5") and a
//! share is shown only of five or more.

use super::*;
use crate::domain::figures::{
    get, percent, shown, Demand, MeetingFigures, ProgramStats, RoundFigures, RoundReport,
};

/// The footnote under every program figure.
const COUNTS_ONLY: &str = "Counts only — never anyone's goals, notes or answers. \
Numbers under 5 show as <5, and shares of fewer than 5 are not shown.";

/// Eight heights of a sparkline; a week with too few answers is `·`.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Weekly percentages as a sparkline, oldest first.
pub fn sparkline(weeks: &[Option<i64>]) -> String {
    weeks
        .iter()
        .map(|w| match w {
            Some(p) => BARS[((*p).clamp(0, 100) as usize * (BARS.len() - 1) + 50) / 100],
            None => '·',
        })
        .collect()
}

/// "9 of 12 answered — 75%", or without the share when the whole is
/// under five.
fn of(part: i64, whole: i64, what: &str) -> String {
    let counts = format!("{} of {} {what}", shown(part), shown(whole));
    match percent(part, whole) {
        Some(p) => format!("{counts} — {p}%"),
        None => counts,
    }
}

fn meeting_line(m: &MeetingFigures, trios: bool) -> String {
    let groups = if trios { "pairs and trios" } else { "pairs" };
    format!(
        "{} · rescheduled {} · not yet {} · unanswered {}",
        of(m.met, m.groups, &format!("{groups} met")),
        shown(m.rescheduled),
        shown(m.not_yet),
        shown(m.unanswered)
    )
}

fn rounds_line(r: &RoundFigures) -> String {
    let mut line = format!(
        "{} pairs · {} trios · {} sat out",
        shown(r.pairs),
        shown(r.trios),
        shown(r.sat_out)
    );
    if !r.sat_out_by.is_empty() {
        let why: Vec<String> = r
            .sat_out_by
            .iter()
            .map(|(label, n)| format!("{label} {}", shown(*n)))
            .collect();
        line.push_str(&format!(" ({})", why.join(", ")));
    }
    line
}

fn demand_blocks(d: &Demand) -> Vec<SlackBlock> {
    let mut blocks = Vec::new();
    if !d.unmet.is_empty() {
        let lines: Vec<String> = d
            .unmet
            .iter()
            .map(|(skill, want, offer)| {
                format!(
                    "*{}* — {} want it, {} offer it",
                    escape(skill),
                    shown(*want),
                    shown(*offer)
                )
            })
            .collect();
        blocks.push(section(format!(
            "*Unmet demand* (wanted by more people than offer it)\n{}",
            lines.join("\n")
        )));
    }
    if !d.offered.is_empty() {
        let top: Vec<String> = d
            .offered
            .iter()
            .map(|(skill, n)| format!("{} ({})", escape(skill), shown(*n)))
            .collect();
        blocks.push(section(format!("*Most offered:* {}", top.join(" · "))));
    }
    blocks
}

/// The `admin stats` message.
pub fn stats_message(s: &ProgramStats) -> SlackMessageContent {
    let c = &s.counts;
    let m = &s.members;
    let headline = format!("Program health — {}", s.period.label());
    let mut blocks = vec![
        section(format!("*{headline}*")),
        section(format!(
            "*Members:* {} active · {} paused · {} left · {} joined in this period\n\
             *Format (active):* 1:1 {} · circle {} · either {}",
            shown(m.active),
            shown(m.paused),
            shown(m.left),
            shown(m.joined),
            shown(m.pair),
            shown(m.circle),
            shown(m.either)
        )),
        section(format!(
            "*Rounds:* {} in this period · {}\n*Kept pairs:* {} · *re-pair requests:* {}",
            shown(s.rounds.rounds),
            rounds_line(&s.rounds),
            shown(s.rounds.kept),
            shown(s.rounds.repair_requests)
        )),
        section(format!(
            "*Meetings:* {}\n*Circles:* {} prompts posted · {}",
            meeting_line(&s.rounds.meetings, s.rounds.trios > 0),
            shown(get(c, "circle_prompts")),
            of(
                get(c, "circle_prompts_answered"),
                get(c, "circle_prompts"),
                "with a reply"
            )
        )),
        section(format!(
            "*Check-ins:* {}\n\
             *Goals:* {} set · {} moved · {} done · {} stuck\n\
             *Nudges:* {} stale-goal · {} haven't-met",
            of(
                get(c, "checkins_answered"),
                get(c, "checkins_sent"),
                "answered"
            ),
            shown(get(c, "goals_set")),
            shown(get(c, "goals_moved")),
            shown(get(c, "goals_done")),
            shown(get(c, "goals_stuck")),
            shown(get(c, "stale_nudges")),
            shown(get(c, "fizzle_nudges"))
        )),
    ];
    blocks.extend(demand_blocks(&s.demand));
    let last = |weeks: &[Option<i64>]| match weeks.last().copied().flatten() {
        Some(p) => format!("{p}% this week"),
        None => "too few answers this week".to_owned(),
    };
    blocks.push(section(format!(
        "*Last 12 weeks*\nMeeting rate `{}` {}\nCheck-in answers `{}` {}",
        sparkline(&s.trends.meeting_rate),
        last(&s.trends.meeting_rate),
        sparkline(&s.trends.answer_rate),
        last(&s.trends.answer_rate)
    )));
    blocks.push(context(format!(
        "{COUNTS_ONLY} `/tandem admin stats 30d|90d|all` · `/tandem admin export` for a CSV."
    )));
    SlackMessageContent::new()
        .with_text(headline)
        .with_blocks(blocks)
}

/// The Program section of an admin's Home tab: the headline numbers of
/// the last 30 days, and buttons for the full stats and the export.
pub fn program_blocks(s: &ProgramStats) -> Vec<SlackBlock> {
    let c = &s.counts;
    let rounds = &s.rounds;
    vec![
        SlackDividerBlock::new().into(),
        SlackHeaderBlock::new(pt!("Program (admins)")).into(),
        section(format!(
            "*{} active members* · {} joined in the last 30 days\n\
             *Rounds:* {} · {} pairs · {}\n\
             *Check-ins:* {}",
            shown(s.members.active),
            shown(s.members.joined),
            shown(rounds.rounds),
            shown(rounds.pairs),
            of(rounds.meetings.met, rounds.meetings.groups, "met"),
            of(
                get(c, "checkins_answered"),
                get(c, "checkins_sent"),
                "answered"
            ),
        )),
        SlackActionsBlock::new(vec![
            button("Program stats", &Action::AdminStats).into(),
            button("Export CSV", &Action::AdminExport).into(),
        ])
        .into(),
        context(COUNTS_ONLY.to_owned()),
    ]
}

/// The round report posted in `program.report_channel`.
pub fn round_report(r: &RoundReport) -> SlackMessageContent {
    let headline = format!("Round {} is on", r.round);
    let mut blocks = vec![section(format!(
        "*{headline}:* {}\n*Kept pairs:* {}",
        rounds_line(&r.figures),
        shown(r.figures.kept)
    ))];
    blocks.extend(demand_blocks(&r.demand));
    blocks.push(context(COUNTS_ONLY.to_owned()));
    SlackMessageContent::new()
        .with_text(format!("{headline}: {}", rounds_line(&r.figures)))
        .with_blocks(blocks)
}

/// `admin remove @x`: what happens, with confirm and cancel buttons.
pub fn confirm_remove(member: &crate::ids::UserId) -> SlackMessageContent {
    let warning = format!(
        "Take <@{member}> out of the program? They won't be paired or get check-ins, \
         and they'll be told by DM that a program admin did it. Their goals and notes stay \
         theirs, and they can rejoin with `/tandem join`."
    );
    let remove = button(
        "Remove",
        &Action::AdminRemoveConfirm {
            member: member.clone(),
        },
    )
    .with_style(SlackBlockButtonStyle::Danger);
    let cancel = button("Cancel", &Action::AdminRemoveCancel);
    SlackMessageContent::new()
        .with_text(warning.clone())
        .with_blocks(vec![
            section(warning),
            SlackActionsBlock::new(vec![remove.into(), cancel.into()]).into(),
        ])
}

fn act_text(entry: &crate::domain::admin_log::LogEntry) -> String {
    use crate::domain::admin_log::AdminAct;
    let member = match (&entry.member, entry.member_forgotten) {
        (Some(m), _) => format!("<@{m}>"),
        (None, true) => "a member who has since been forgotten".to_owned(),
        (None, false) => "someone".to_owned(),
    };
    match &entry.act {
        AdminAct::Round { round } => format!("ran round {round}"),
        AdminAct::Checkins { sent } => format!("sent {sent} check-ins"),
        AdminAct::Circles { formed } => format!("formed {formed} circles"),
        AdminAct::BoundCircle => "made a channel a circle".to_owned(),
        AdminAct::Paused { until: Some(d) } => {
            format!("paused {member} until {}", d.format("%-d %b %Y"))
        }
        AdminAct::Paused { until: None } => format!("paused {member}"),
        AdminAct::Resumed => format!("resumed {member}"),
        AdminAct::Removed => format!("removed {member} from the program"),
        AdminAct::Exported { period } => format!("exported counts ({period})"),
    }
}

/// `admin log`: newest first, one line each.
pub fn admin_log_message(entries: &[crate::domain::admin_log::LogEntry]) -> SlackMessageContent {
    let headline = "Admin actions, newest first (kept 180 days)";
    if entries.is_empty() {
        return text_message("No admin actions in the last 180 days.".to_owned());
    }
    let lines: Vec<String> = entries
        .iter()
        .map(|e| {
            let who = e
                .admin
                .as_ref()
                .map_or("An admin who has since been forgotten".to_owned(), |a| {
                    format!("<@{a}>")
                });
            format!(
                "<!date^{}^{{date_short}} {{time}}|{} UTC> — {who} {}",
                e.at.timestamp(),
                e.at.format("%-d %b %Y %H:%M"),
                act_text(e)
            )
        })
        .collect();
    // Sections hold 3,000 characters: ten lines each.
    let mut blocks = vec![section(format!("*{headline}*"))];
    for chunk in lines.chunks(10) {
        blocks.push(section(chunk.join("\n")));
    }
    SlackMessageContent::new()
        .with_text(headline.to_owned())
        .with_blocks(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_and_show_gaps() {
        assert_eq!(sparkline(&[Some(0), Some(50), Some(100), None]), "▁▅█·");
    }

    #[test]
    fn shares_need_five() {
        assert_eq!(of(2, 3, "met"), "<5 of <5 met");
        assert_eq!(of(8, 10, "met"), "8 of 10 met — 80%");
    }
}
