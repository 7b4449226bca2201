//! Block Kit snapshots of the views members and admins see. A change to any
//! of them shows up as a reviewable diff of `tests/api/snapshots/*.snap`.

use chrono::{TimeZone, Utc};
use tandem::app::{HomeModel, Reply};
use tandem::app::{PlannedGroup, RoundSummary, Text};
use tandem::domain::goals::GoalBook;
use tandem::domain::notes::NoteBook;
use tandem::domain::pairing::Pairing;
use tandem::domain::profile::{Cadence, Format, Membership, Profile};
use tandem::domain::shelf::Shelf;
use tandem::ids::UserId;
use tandem::slack::{profile_modal, views};

fn user(id: &str) -> UserId {
    UserId::parse(id).unwrap()
}

fn sample_home() -> HomeModel {
    let mut goals = GoalBook::default();
    goals.add("Lead a design review").unwrap();
    goals
        .add_step(1, "shadow Ben's review on Thursday")
        .unwrap();
    let mut notes = NoteBook::default();
    notes.add("Ask Ben how he prepares the agenda").unwrap();
    let mut shelf = Shelf::default();
    shelf.add(
        "https://example.com/review-guide".into(),
        Some("short and practical".into()),
    );
    HomeModel {
        profile: Profile {
            membership: Membership::Active,
            offers: vec!["sql".into(), "public speaking".into()],
            wants: vec!["design systems".into()],
            level: Some(4),
            team: Some("Data".into()),
            format: Format::Pair,
            cadence: Cadence::Biweekly,
            ..Profile::default()
        },
        goals,
        notes,
        shelf,
        pairing: Pairing {
            round: 3,
            partners: vec![UserId::parse("U0BEN").unwrap()],
            cadence: None,
            repair: false,
            group: None,
            keep: None,
            keep_asked: false,
            together: 1,
            ..Pairing::default()
        },
        circle: None,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27),
        program: None,
    }
}

#[test]
fn help() {
    insta::assert_json_snapshot!(views::reply(&Reply::Help));
}

#[test]
fn home_tab() {
    insta::assert_json_snapshot!(views::home_view(&sample_home()));
}

#[test]
fn status() {
    insta::assert_json_snapshot!(views::reply(&Reply::Status {
        home: sample_home()
    }));
}

#[test]
fn confirm_forget() {
    insta::assert_json_snapshot!(views::reply(&Reply::ConfirmForget));
}

#[test]
fn profile_modal() {
    let home = sample_home();
    let catalog = vec![
        "sql".to_owned(),
        "rust".to_owned(),
        "design systems".to_owned(),
    ];
    insta::assert_json_snapshot!(profile_modal::profile_modal(&home.profile, &catalog));
}

#[test]
fn intro() {
    let when = Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap();
    insta::assert_json_snapshot!(views::intro(
        4,
        &[user("U0ANA"), user("U0BEN")],
        &[
            Text::naming(
                "U0ANA can help U0BEN with sql; U0BEN can help U0ANA with design systems",
                &[user("U0ANA"), user("U0BEN")]
            ),
            Text::naming("different teams (Data and Design)", &[])
        ],
        &[(user("U0ANA"), vec!["Lead a design review".into()])],
        &[
            when,
            when + chrono::Duration::days(1),
            when + chrono::Duration::days(2)
        ],
        30
    ));
}

#[test]
fn round_preview() {
    let summary = RoundSummary {
        number: 2,
        not_people: 0,
        kept: Vec::new(),
        preview: true,
        groups: vec![PlannedGroup {
            members: vec![user("U0ANA"), user("U0BEN")],
            score: 4250,
            reasons: vec![Text::naming(
                "U0ANA can help U0BEN with sql",
                &[user("U0ANA"), user("U0BEN")],
            )],
        }],
        sat_out: vec![(
            user("U0ZED"),
            "nobody this round can be paired with them (2 is too far apart in level)".into(),
        )],
        not_ready: 1,
        away: 2,
        delivering: Some(tandem::app::Progress {
            round: 1,
            sent: 42,
            total: 60,
        }),
    };
    insta::assert_json_snapshot!(views::reply(&Reply::Round(summary)));
}

/// A check-in half answered: one goal marked, a note on it, the meeting
/// question still open.
#[test]
fn checkin() {
    use tandem::domain::checkin::{Checkin, GoalAnswer};
    let home = sample_home();
    let mut checkin = Checkin {
        number: 5,
        goals: vec![1],
        partners: vec![user("U0BEN")],
        ..Checkin::default()
    };
    checkin.answers.insert(1, GoalAnswer::Progress);
    checkin.notes.insert(1, "Agenda drafted".into());
    insta::assert_json_snapshot!(views::checkin(&tandem::app::CheckinModel {
        checkin,
        goals: home.goals,
        notes: home.notes,
    }));
}

#[test]
fn reminder() {
    insta::assert_json_snapshot!(views::reminder());
}

/// Every kind of nudge, in one snapshot.
#[test]
fn nudges() {
    use tandem::domain::nudges::Nudge;
    let all: Vec<_> = [
        Nudge::StaleGoal {
            goal: 2,
            text: "Give a <talk> & more".into(),
            checkins: 3,
        },
        Nudge::Fizzle {
            partners: vec![user("U0BEN")],
            periods: 2,
        },
        Nudge::RepairOffer {
            partners: vec![user("U0BEN")],
            round: 4,
        },
        Nudge::PauseEnded,
        Nudge::BeforeMeeting {
            partners: vec![user("U0BEN")],
            notes: vec!["Ask about the agenda".into()],
        },
    ]
    .iter()
    .map(views::nudge)
    .collect();
    insta::assert_json_snapshot!(all);
}
