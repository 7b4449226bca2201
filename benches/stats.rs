//! Program health for a large program: `cargo bench --bench stats` (needs
//! Redis; `TEST_REDIS_URL`, default 127.0.0.1:6379; `STATS_MEMBERS`,
//! default 10,000).
//!
//! Members join with a profile through `/tandem` (as people do); a year of
//! program figures is then written the way the app counts them (one count
//! per day for the workspace, 26 fortnightly rounds with every group's
//! meeting answer). Timed: `admin stats` for 30 days, 90 days and all time
//! (one read of every profile, a few hash reads), with encryption off and
//! on, against the obvious alternative without counts kept on write —
//! reading every member's profile, check-in and goals one by one, which is
//! what answering "how many check-ins were answered?" takes without them.
//! `TANDEM_BENCH_SMOKE=1` seeds 200 members and checks the counts only.

#[path = "support/mod.rs"]
mod support;

#[path = "../tests/api/support/fake_slack.rs"]
#[allow(dead_code)]
mod fake_slack;

use fake_slack::FakeSlack;
use futures_util::stream::{self, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tandem::app::{App, CommandRequest};
use tandem::clock::SystemClock;
use tandem::domain::figures::Period;
use tandem::ids::{TeamId, UserId};
use tandem::slack::outbound::SlackWorkspace;
use tandem::store::{Doc, Store};

struct Seeded {
    app: App,
    store: Arc<dyn Store>,
    team: TeamId,
    users: Vec<UserId>,
    prefix: String,
    redis_url: String,
}

async fn seed(members: usize, encrypted: bool) -> Seeded {
    let redis_url = support::redis_url();
    let fake = FakeSlack::start().await;
    let (config, prefix) = support::shipped_config();
    let store = support::redis_store(&prefix).await;
    let api = support::unthrottled_api(&fake.api_url(), fake_slack::BOT_TOKEN, &config);
    let sealer = support::sealer(encrypted);
    let app = App::new(
        Arc::new(config),
        store.clone(),
        sealer,
        Arc::new(SlackWorkspace::new(api)),
        Arc::new(SystemClock),
    );
    let team = TeamId::parse("T0TEST").unwrap();
    let users: Vec<UserId> = (0..members)
        .map(|i| UserId::parse(&format!("U0S{i:06}")).unwrap())
        .collect();
    for user in &users {
        fake.add_user(user.as_str());
    }
    let skills = [
        "sql",
        "rust",
        "python",
        "public speaking",
        "kubernetes",
        "design",
    ];
    stream::iter(users.iter().enumerate())
        .for_each_concurrent(64, |(i, user)| {
            let (app, team) = (app.clone(), team.clone());
            async move {
                let profile = format!(
                    "profile offer: {}; learn: {}; level: {}; format: {}",
                    skills[i % 6],
                    skills[(i / 6 + 1 + i) % 6],
                    1 + i % 5,
                    if i % 7 == 0 { "circle" } else { "1:1" }
                );
                for text in ["join".to_owned(), profile] {
                    app.handle_command(&CommandRequest {
                        team: team.clone(),
                        user: user.clone(),
                        text,
                        trigger: None,
                    })
                    .await;
                }
            }
        })
        .await;
    // A year of figures, as the app counts them: every day's check-ins,
    // meeting answers and goal moves; a round every two weeks.
    let today = chrono::Utc::now().date_naive();
    let n = members as i64;
    for d in 0..365 {
        let day = (today - chrono::Duration::days(d))
            .format("%Y-%m-%d")
            .to_string();
        let counts = [
            ("checkins_sent", n / 7),
            ("checkins_answered", n / 10),
            ("met", n / 20),
            ("not_yet", n / 60),
            ("goals_set", n / 50),
            ("goals_moved", n / 30),
            ("joined", 3),
        ];
        store.count(&team, None, &day, &counts).await.unwrap();
    }
    for round in 1..=26u32 {
        let day = today - chrono::Duration::days(14 * (26 - i64::from(round)));
        let groups = n / 2;
        let mut figures: Vec<(String, i64)> = vec![
            ("day".into(), tandem::domain::figures::day_figure(day)),
            ("groups".into(), groups),
            ("pairs".into(), groups),
        ];
        figures.extend((0..groups).map(|g| (format!("g{g}"), 1 + g % 3)));
        let named: Vec<(&str, i64)> = figures.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        for chunk in named.chunks(2000) {
            store
                .set_round_figures(&team, round, chunk, false)
                .await
                .unwrap();
        }
    }
    store
        .set_round_figures(&team, 0, &[("last", 26)], true)
        .await
        .unwrap();
    Seeded {
        app,
        store,
        team,
        users,
        prefix,
        redis_url,
    }
}

/// Without counts kept on write: every member's documents read one by one.
async fn scan_everyone(s: &Seeded) -> usize {
    let mut read = 0;
    for user in &s.users {
        for doc in [Doc::Profile, Doc::Checkin, Doc::Goals] {
            read += usize::from(
                s.store
                    .load_doc(&s.team, user, doc)
                    .await
                    .unwrap()
                    .is_some(),
            );
        }
    }
    read
}

async fn clean(s: &Seeded) {
    support::delete_prefix(&s.redis_url, &s.prefix).await;
}

async fn median(runs: usize, mut f: impl AsyncFnMut()) -> Duration {
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        f().await;
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let members = if support::smoke() {
        200
    } else {
        std::env::var("STATS_MEMBERS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(10_000)
    };
    let runs = support::runs(&args, 5);
    for encrypted in [false, true] {
        let seeded = seed(members, encrypted).await;
        let enc = if encrypted { "on" } else { "off" };
        for period in [Period::Days(30), Period::Days(90), Period::All] {
            let stats = seeded
                .app
                .program_stats(&seeded.team, period)
                .await
                .expect("stats");
            let active = stats.members.active as usize;
            assert_eq!(active, members, "every member counted");
            assert!(stats.rounds.rounds >= 2 && stats.rounds.meetings.groups > 0);
            let time = median(runs, async || {
                seeded
                    .app
                    .program_stats(&seeded.team, period)
                    .await
                    .unwrap();
            })
            .await;
            println!(
                "admin stats {:<14} {members} members, encryption {enc:<3}: {:>8.1} ms",
                period.label(),
                time.as_secs_f64() * 1000.0
            );
        }
        let scan = median(runs.min(3), async || {
            assert!(scan_everyone(&seeded).await >= members);
        })
        .await;
        println!(
            "baseline: reading every member's documents one by one, encryption {enc:<3}: {:>8.1} ms",
            scan.as_secs_f64() * 1000.0
        );
        clean(&seeded).await;
    }
}
