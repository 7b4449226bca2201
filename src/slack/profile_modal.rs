//! The profile modal: a pure function of the member's profile and the skill
//! catalog, and the reading of its submitted state back into plain values.

use crate::app::ProfileForm;
use crate::domain::profile::{Cadence, Format, Profile};
use serde_json::{json, Value};
use slack_morphism::prelude::*;

/// `callback_id` of the profile modal.
pub const PROFILE_MODAL: &str = "profile";
/// `callback_id` of the "add a goal" modal.
pub const GOAL_MODAL: &str = "add_goal";
/// The `callback_id` of the "add a next step" modal (goal number in
/// `private_metadata`).
pub const STEP_MODAL: &str = "add_step";
/// The `callback_id` of a check-in answer's note modal
/// (`<check-in number>:<goal>` in `private_metadata`).
pub const CHECKIN_NOTE_MODAL: &str = "checkin_note";

/// Slack allows at most 100 options in a select.
const MAX_OPTIONS: usize = 100;
/// And at most 75 characters of option text.
const MAX_OPTION_TEXT: usize = 75;

fn plain(text: &str) -> Value {
    json!({ "type": "plain_text", "text": text })
}

fn option(value: &str, label: &str) -> Value {
    let label: String = label.chars().take(MAX_OPTION_TEXT).collect();
    json!({ "text": plain(&label), "value": value })
}

/// The skills to offer in a select: the catalog plus whatever the member
/// already has, so their current choices can be shown as selected.
fn skill_options(catalog: &[String], current: &[String]) -> Vec<String> {
    let mut all: Vec<String> = current.to_vec();
    for s in catalog {
        if !all.contains(s) {
            all.push(s.clone());
        }
    }
    all.truncate(MAX_OPTIONS);
    all.sort();
    all
}

fn skills_input(block: &str, label: &str, catalog: &[String], current: &[String]) -> Value {
    let options = skill_options(catalog, current);
    let mut element = json!({
        "type": "multi_static_select",
        "action_id": block,
        "placeholder": plain("Pick skills"),
        "options": options.iter().map(|s| option(s, s)).collect::<Vec<_>>(),
    });
    let initial: Vec<Value> = current
        .iter()
        .filter(|s| options.contains(s))
        .map(|s| option(s, s))
        .collect();
    if !initial.is_empty() {
        element["initial_options"] = Value::Array(initial);
    }
    json!({ "type": "input", "block_id": block, "optional": true, "label": plain(label), "element": element })
}

fn text_input(
    block: &str,
    label: &str,
    hint: Option<&str>,
    initial: Option<&str>,
    max: usize,
) -> Value {
    let mut element = json!({ "type": "plain_text_input", "action_id": block, "max_length": max });
    if let Some(i) = initial {
        element["initial_value"] = json!(i);
    }
    let mut input = json!({ "type": "input", "block_id": block, "optional": true, "label": plain(label), "element": element });
    if let Some(h) = hint {
        input["hint"] = plain(h);
    }
    input
}

/// The profile modal for `profile`, offering `catalog` as skills.
pub fn profile_modal(profile: &Profile, catalog: &[String]) -> SlackView {
    let levels: Vec<Value> = (1..=10).map(levels_option).collect();
    let mut level = json!({ "type": "static_select", "action_id": "level", "placeholder": plain("Choose"), "options": levels });
    if let Some(l) = profile.level {
        level["initial_option"] = levels_option(l);
    }
    let formats = [
        (Format::Pair, "1:1", "1:1 with a partner"),
        (Format::Circle, "circle", "A small circle (3–6)"),
        (Format::Either, "either", "Either"),
    ];
    let format_options: Vec<Value> = formats.iter().map(|(_, v, l)| option(v, l)).collect();
    let current_format = formats
        .iter()
        .find(|(f, _, _)| *f == profile.format)
        .map(|(_, v, l)| option(v, l));
    let cadences = [
        (Cadence::Weekly, "weekly", "Weekly"),
        (Cadence::Biweekly, "biweekly", "Every 2 weeks"),
        (Cadence::Monthly, "monthly", "Monthly"),
    ];
    let cadence_options: Vec<Value> = cadences.iter().map(|(_, v, l)| option(v, l)).collect();
    let current_cadence = cadences
        .iter()
        .find(|(c, _, _)| *c == profile.cadence)
        .map(|(_, v, l)| option(v, l));

    let blocks = vec![
        json!({ "type": "section", "text": { "type": "mrkdwn", "text":
            "Tandem pairs you with a colleague at a similar level whose skills complement yours: \
             each of you teaches the other. Only you (and your partner, for what you share) see your goals." } }),
        skills_input("offers", "Skills you can offer", catalog, &profile.offers),
        text_input(
            "offers_other",
            "Other skills you can offer",
            Some("Not in the list? Type them, separated by commas."),
            None,
            400,
        ),
        skills_input("wants", "Skills you want to learn", catalog, &profile.wants),
        text_input(
            "wants_other",
            "Other skills you want to learn",
            Some("Separated by commas."),
            None,
            400,
        ),
        json!({ "type": "input", "block_id": "level", "label": plain("Your level in your field"), "element": level }),
        text_input("team", "Team", None, profile.team.as_deref(), 40),
        json!({ "type": "input", "block_id": "format", "label": plain("How do you want to meet?"),
                "element": { "type": "radio_buttons", "action_id": "format", "options": format_options, "initial_option": current_format } }),
        json!({ "type": "input", "block_id": "cadence", "label": plain("How often?"),
                "element": { "type": "static_select", "action_id": "cadence", "options": cadence_options, "initial_option": current_cadence } }),
        text_input(
            "hours",
            "Your working hours",
            Some("Local time, e.g. 08:30-16:30. Leave empty for the program's usual hours. Meeting times are offered only inside everyone's."),
            profile.hours.map(|h| h.to_string()).as_deref(),
            20,
        ),
        manager_input(profile),
        avoid_input(profile),
        text_input(
            "goal_1",
            "A goal to work on (optional)",
            Some("e.g. \"Give my first conference talk\". You can add more with /tandem goal add."),
            None,
            280,
        ),
        text_input("goal_2", "Another goal (optional)", None, None, 280),
        text_input("goal_3", "And another (optional)", None, None, 280),
    ];
    let view = json!({
        "type": "modal",
        "callback_id": PROFILE_MODAL,
        "title": plain("Your Tandem profile"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    });
    serde_json::from_value(view).expect("the profile modal is valid Block Kit")
}

/// "Your manager": one person, or none.
fn manager_input(profile: &Profile) -> Value {
    let mut element =
        json!({ "type": "users_select", "action_id": "manager", "placeholder": plain("Choose") });
    if let Some(m) = &profile.manager {
        element["initial_user"] = json!(m.as_str());
    }
    json!({ "type": "input", "block_id": "manager", "optional": true,
            "label": plain("Your manager"),
            "hint": plain("You're never paired with your manager or your reports."),
            "element": element })
}

/// "Don't pair me with": private to the member.
fn avoid_input(profile: &Profile) -> Value {
    let mut element = json!({ "type": "multi_users_select", "action_id": "avoid", "placeholder": plain("Choose people"), "max_selected_items": crate::domain::profile::MAX_AVOID });
    if !profile.avoid.is_empty() {
        element["initial_users"] =
            json!(profile.avoid.iter().map(|a| a.as_str()).collect::<Vec<_>>());
    }
    json!({ "type": "input", "block_id": "avoid", "optional": true,
            "label": plain("Don't pair me with"),
            "hint": plain("Private: nobody is told, not them and not program admins."),
            "element": element })
}

fn levels_option(level: u8) -> Value {
    let label = match level {
        1 => "1 — new to it".to_owned(),
        5 => "5 — working knowledge".to_owned(),
        10 => "10 — deep expertise".to_owned(),
        l => l.to_string(),
    };
    option(&level.to_string(), &label)
}

/// A one-field modal to add a goal (from the Home tab).
pub fn goal_modal() -> SlackView {
    let view = json!({
        "type": "modal",
        "callback_id": GOAL_MODAL,
        "title": plain("Add a goal"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "blocks": [text_input_required("goal", "What do you want to achieve?", "Something you can make progress on in a few weeks, e.g. \"Lead a design review\".", 280)],
    });
    serde_json::from_value(view).expect("the goal modal is valid Block Kit")
}

/// One field: the next step for goal `goal`.
pub fn step_modal(goal: u32) -> SlackView {
    let view = json!({
        "type": "modal",
        "callback_id": STEP_MODAL,
        "private_metadata": goal.to_string(),
        "title": plain("Add a next step"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "blocks": [text_input_required("text", &format!("A small next step for goal {goal}"), "Small enough to finish this week, e.g. \"Read one chapter\" or \"Ask Sam for 15 minutes\".", 280)],
    });
    serde_json::from_value(view).expect("the step modal is valid Block Kit")
}

/// One optional field: a note on a check-in answer, private to its author.
/// `reply_to` (the check-in message's response URL) rides along in the
/// metadata so the saved note can be shown on the check-in at once.
pub fn checkin_note_modal(number: u32, goal: u32, reply_to: Option<&str>) -> SlackView {
    let label = if goal == 0 {
        "A note about meeting your partner".to_owned()
    } else {
        format!("A note on goal {goal}")
    };
    let view = json!({
        "type": "modal",
        "callback_id": CHECKIN_NOTE_MODAL,
        "private_metadata": match reply_to {
            Some(url) => format!("{number}:{goal}:{url}"),
            None => format!("{number}:{goal}"),
        },
        "title": plain("Check-in note"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [{
            "type": "input", "block_id": "text", "optional": true,
            "label": plain(&label),
            "hint": plain("Only you see this. Leave it empty to remove the note."),
            "element": { "type": "plain_text_input", "action_id": "text", "multiline": true, "max_length": 280 }
        }],
    });
    serde_json::from_value(view).expect("the note modal is valid Block Kit")
}

/// The check-in number, goal and reply address a note modal carries.
pub fn read_note_metadata(metadata: &str) -> Option<(u32, u32, Option<String>)> {
    let mut parts = metadata.splitn(3, ':');
    let number = parts.next()?.parse().ok()?;
    let goal = parts.next()?.parse().ok()?;
    Some((number, goal, parts.next().map(str::to_owned)))
}

/// The text typed into a one-field modal (`step_modal`, `checkin_note_modal`).
pub fn read_text(state: &SlackViewState) -> Option<String> {
    state
        .values
        .get(&SlackBlockId::new("text".to_owned()))
        .and_then(|a| a.get(&SlackActionId::new("text".to_owned())))
        .and_then(|v| v.value.clone())
}

fn text_input_required(block: &str, label: &str, hint: &str, max: usize) -> Value {
    json!({ "type": "input", "block_id": block, "label": plain(label), "hint": plain(hint),
            "element": { "type": "plain_text_input", "action_id": block, "max_length": max } })
}

/// The goal typed into the goal modal.
pub fn read_goal(state: &SlackViewState) -> Option<String> {
    state
        .values
        .get(&SlackBlockId::new("goal".to_owned()))
        .and_then(|a| a.get(&SlackActionId::new("goal".to_owned())))
        .and_then(|v| v.value.clone())
}

/// Reads the submitted modal's state into plain values.
pub fn read_profile_form(state: &SlackViewState) -> ProfileForm {
    let get = |block: &str| {
        state
            .values
            .get(&SlackBlockId::new(block.to_owned()))
            .and_then(|actions| actions.get(&SlackActionId::new(block.to_owned())))
    };
    let text = |block: &str| {
        get(block)
            .and_then(|v| v.value.clone())
            .filter(|t| !t.trim().is_empty())
    };
    let selected =
        |block: &str| get(block).and_then(|v| v.selected_option.as_ref().map(|o| o.value.clone()));
    let many = |block: &str| -> Vec<String> {
        get(block)
            .and_then(|v| v.selected_options.as_ref())
            .map(|opts| opts.iter().map(|o| o.value.clone()).collect())
            .unwrap_or_default()
    };
    let mut offers = many("offers");
    offers.extend(text("offers_other"));
    let mut wants = many("wants");
    wants.extend(text("wants_other"));
    ProfileForm {
        offers,
        wants,
        manager: get("manager").and_then(|v| v.selected_user.as_ref().map(|u| u.0.clone())),
        avoid: get("avoid")
            .and_then(|v| v.selected_users.as_ref())
            .map(|users| users.iter().map(|u| u.0.clone()).collect())
            .unwrap_or_default(),
        level: selected("level"),
        team: text("team"),
        hours: text("hours"),
        format: selected("format"),
        cadence: selected("cadence"),
        goals: ["goal_1", "goal_2", "goal_3"]
            .iter()
            .filter_map(|g| text(g).map(|t| ((*g).to_owned(), t)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modal_is_prefilled_and_within_limits() {
        let profile = Profile {
            offers: vec!["sql".into(), "haskell".into()],
            level: Some(3),
            team: Some("Design".into()),
            format: Format::Circle,
            ..Profile::default()
        };
        let catalog: Vec<String> = (0..150).map(|i| format!("skill {i:03}")).collect();
        let json = serde_json::to_value(profile_modal(&profile, &catalog)).unwrap();
        assert_eq!(json["type"], "modal");
        assert_eq!(json["callback_id"], "profile");
        let offers = &json["blocks"][1]["element"];
        assert_eq!(offers["options"].as_array().unwrap().len(), 100);
        let initial: Vec<&str> = offers["initial_options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["value"].as_str().unwrap())
            .collect();
        assert_eq!(initial, ["sql", "haskell"]);
        assert_eq!(json["blocks"][5]["element"]["initial_option"]["value"], "3");
        assert_eq!(json["blocks"][6]["element"]["initial_value"], "Design");
        assert_eq!(
            json["blocks"][7]["element"]["initial_option"]["value"],
            "circle"
        );
        assert!(
            json["blocks"][3]["element"]
                .get("initial_options")
                .is_none(),
            "no empty initial list"
        );
    }
}
