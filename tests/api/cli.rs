//! The `tandem` binary as an operator meets it: one clear line per problem,
//! non-zero exits, a clean stop on SIGTERM, and no secrets or free text in
//! its logs.

use crate::support;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::fake_slack::{FakeSlack, Scripted};
use support::*;

/// The binary, from the repository root, with nothing from the
/// developer's shell: the variables a test needs are set by the test.
pub(crate) fn tandem() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tandem"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    // Start from a clean slate: nothing from the developer's shell leaks in.
    for var in [
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_API_URL",
        "REDIS_URL",
        "REDIS_CLUSTER_URLS",
        "REDIS_CA_FILE",
        "TANDEM_ENCRYPTION_KEY",
        "TANDEM_CONFIG",
        "PORT",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    for (key, _) in std::env::vars() {
        if key.starts_with("TANDEM__") {
            cmd.env_remove(key);
        }
    }
    cmd
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(random_prefix());
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Whether the binary serving at `base` answers `/healthz` within five
/// seconds.
async fn comes_up(base: &str) -> bool {
    let http = http_client();
    for _ in 0..100 {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await {
            return r.status() == 200;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The JSON a successful `tandem match --format json` printed.
fn json_out(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A JSON group's member ids.
fn members_of(group: &serde_json::Value) -> Vec<&str> {
    group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect()
}

#[test]
fn check_config_accepts_the_shipped_config() {
    let out = tandem().arg("check-config").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "config/default.toml: configuration is valid\n"
    );
}

#[test]
fn check_config_names_the_variable_and_key_of_an_override() {
    let out = tandem()
        .arg("check-config")
        .env("TANDEM__PROGRAM__CHECKIN_SCHEDULE", "0 0 9 * * 1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("tandem: environment variable TANDEM__PROGRAM__CHECKIN_SCHEDULE: program.checkin_schedule: \"0 0 9 * * 1\" uses a numeric weekday"),
        "{err}"
    );
}

#[test]
fn check_config_names_the_file_and_key_of_each_problem() {
    let shipped = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/default.toml"),
    )
    .unwrap();
    let broken = shipped
        .replace(
            "default_timezone = \"UTC\"",
            "default_timezone = \"Mars/Olympus\"",
        )
        .replace(
            "prompt_schedule = \"0 0 10 * * Tue\"",
            "prompt_schedule = \"every tuesday\"",
        )
        .replace("mutual_bonus = 15.0", "mutual_bonus = -3.0");
    let path = temp_file("broken.toml", &broken);
    let out = tandem()
        .arg("check-config")
        .env("TANDEM_CONFIG", &path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let file = path.display().to_string();
    for expected in [
        format!("tandem: {file}: program.default_timezone: \"Mars/Olympus\" is not a known time zone"),
        format!("tandem: {file}: circles.prompt_schedule: \"every tuesday\" is not a valid cron schedule"),
        format!("tandem: {file}: pairing.weights.mutual_bonus: must be a number from 0 to 1000, got -3"),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    assert!(err.ends_with("tandem: 3 problems found\n"), "{err}");
}

#[test]
fn check_config_reports_a_type_error_and_a_missing_file() {
    let path = temp_file("typed.toml", "[server]\nport = \"eighty\"\n");
    let out = tandem()
        .args(["check-config", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}: server.port: invalid type", path.display())),
        "{err}"
    );

    let out = tandem()
        .args(["check-config", "--config", "nowhere.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("tandem: nowhere.toml: -: config file not found"));
}

#[test]
fn serve_without_a_token_says_which_variable_and_where_to_get_it() {
    let out = tandem().arg("serve").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("tandem: SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token"),
        "{err}"
    );

    let out = tandem()
        .arg("serve")
        .env("SLACK_BOT_TOKEN", "xoxb-1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SLACK_SIGNING_SECRET is not set"));
}

#[test]
fn unknown_subcommands_and_flags_fail_cleanly() {
    for args in [
        vec!["frobnicate"],
        vec!["serve", "--no-such-flag"],
        vec!["serve", "--port", "seventy"],
    ] {
        let out = tandem().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

// Multi-threaded: the blocking `output()` must not starve the fake Slack.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_a_token_slack_rejects() {
    let fake = FakeSlack::start().await;
    fake.script("auth.test", Scripted::Error("invalid_auth"));
    let out = tandem()
        .arg("serve")
        .env("SLACK_BOT_TOKEN", BOT_TOKEN)
        .env("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        .env("SLACK_API_URL", fake.api_url())
        .env("PORT", closed_port().await.to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("tandem: SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)"),
        "{err}"
    );
}

/// Runs the real binary in HTTP mode on the memory store, sends it a command
/// carrying private words, stops it with SIGTERM and reads its logs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_stops_on_sigterm_and_logs_no_secrets_or_free_text() {
    let fake = FakeSlack::start().await;
    let port = closed_port().await;
    let mut child = tandem()
        .arg("serve")
        .env("SLACK_BOT_TOKEN", BOT_TOKEN)
        .env("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        .env("SLACK_API_URL", fake.api_url())
        .env("PORT", port.to_string())
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let base = format!("http://127.0.0.1:{port}");
    let http = http_client();
    assert!(comes_up(&base).await, "the bot did not come up");

    let private = "goal add my private goal is to get promoted";
    let form = command_form("U0ANA", private, &fake.response_url("private"));
    let ts = now_ts();
    let response = http
        .post(format!("{base}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", sign(SIGNING_SECRET, ts, &form))
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    fake.wait_for("response_url", 1, WAIT).await;

    // A note, then forget (button press), all with private words around.
    let post = |path: &'static str, body: String| {
        let ts = now_ts();
        http.post(format!("{base}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts.to_string())
            .header("x-slack-signature", sign(SIGNING_SECRET, ts, &body))
            .body(body)
            .send()
    };
    let join = command_form("U0ANA", "join", &fake.response_url("j"));
    assert_eq!(post("/slack/commands", join).await.unwrap().status(), 200);
    fake.wait_for("response_url", 2, WAIT).await;
    let profile = command_form(
        "U0ANA",
        "profile offer: secret-skill-xyz; learn: rust; level: 3; team: Covert Ops",
        &fake.response_url("p"),
    );
    assert_eq!(
        post("/slack/commands", profile).await.unwrap().status(),
        200
    );
    fake.wait_for("response_url", 3, WAIT).await;
    let note = command_form(
        "U0ANA",
        "note ask about the promotion letter",
        &fake.response_url("n"),
    );
    assert_eq!(post("/slack/commands", note).await.unwrap().status(), 200);
    fake.wait_for("response_url", 4, WAIT).await;
    let press = block_action_form("U0ANA", "forget_confirm", &fake.response_url("f"));
    assert_eq!(
        post("/slack/interactions", press).await.unwrap().status(),
        200
    );
    fake.wait_for("response_url", 5, WAIT).await;

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || {
        let status = child.wait().unwrap();
        let mut logs = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut logs)
            .unwrap();
        (status, logs)
    });
    let (status, logs) = tokio::time::timeout(WAIT, exit).await.unwrap().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "clean exit on SIGTERM; logs:\n{logs}"
    );
    assert!(
        logs.contains("IN-MEMORY store"),
        "loud warning missing:\n{logs}"
    );
    assert!(logs.contains("shutting down"), "{logs}");
    assert!(logs.contains("member forgotten"), "{logs}");
    for secret in [
        BOT_TOKEN,
        SIGNING_SECRET,
        "private goal",
        "promoted",
        "promotion letter",
        "secret-skill-xyz",
        "Covert Ops",
    ] {
        assert!(!logs.contains(secret), "logs contain {secret:?}:\n{logs}");
    }
}

#[test]
fn match_previews_the_example_roster_for_people() {
    let out = tandem()
        .args(["match", "--roster", "examples/roster.csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Round 1 — 18 pairs for 36 people · total score "),
        "{text}"
    );
    assert!(text.contains(" can help "), "reasons missing:\n{text}");
}

#[test]
fn match_json_lists_rounds_groups_and_totals_and_feeds_the_next_run() {
    let args = [
        "match",
        "--roster",
        "examples/roster.csv",
        "--rounds",
        "3",
        "--format",
        "json",
        "--seed",
        "7",
    ];
    let out = tandem().args(args).output().unwrap();
    let json = json_out(&out);
    let rounds = json["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 3);
    let mut met = std::collections::HashSet::new();
    let mut total = 0.0;
    for round in rounds {
        let mut placed = 0;
        for g in round["groups"].as_array().unwrap() {
            let members = members_of(g);
            placed += members.len();
            assert!(g["score"].is_number());
            let key = members.join("+");
            assert!(met.insert(key.clone()), "{key} met twice within 3 rounds");
        }
        placed += round["sat_out"].as_array().unwrap().len();
        assert_eq!(placed, 36);
        total += round["total"].as_f64().unwrap();
    }
    assert!((json["total"].as_f64().unwrap() - total).abs() < 0.05);

    // The same input and seed give the same output.
    let again = tandem().args(args).output().unwrap();
    assert_eq!(again.stdout, out.stdout);

    // The output is a valid history for the next run.
    let history = temp_file("history.json", &String::from_utf8_lossy(&out.stdout));
    let next = tandem()
        .args([
            "match",
            "--roster",
            "examples/roster.csv",
            "--format",
            "json",
            "--history",
        ])
        .arg(&history)
        .output()
        .unwrap();
    let next = json_out(&next);
    for g in next["rounds"][0]["groups"].as_array().unwrap() {
        let members = members_of(g);
        assert!(
            !met.contains(&members.join("+")),
            "repeated a pair from the history"
        );
    }
}

#[test]
fn match_keeps_pairs_the_history_marks_keep_until_max_rounds_together() {
    // Ana and Ben met in the last round and both chose to keep meeting;
    // Chloé and Dev too, but they have had three rounds together already.
    let round = |groups: &str| format!("{{\"groups\": [{groups}]}}");
    let history = format!(
        "{{\"rounds\": [{}, {}, {}]}}",
        round(r#"{"members": ["chloe", "dev"]}"#),
        round(r#"{"members": ["dev", "chloe"], "kept": true}"#),
        round(
            r#"{"members": ["ana", "ben"], "keep": true}, {"members": ["chloe", "dev"], "kept": true, "keep": true}"#
        ),
    );
    let history = temp_file("kept.json", &history);
    let run = |format: &str| {
        tandem()
            .args([
                "match",
                "--roster",
                "examples/roster.csv",
                "--format",
                format,
            ])
            .arg("--history")
            .arg(&history)
            .args(["--rounds", "2"])
            .output()
            .unwrap()
    };
    let json = json_out(&run("json"));
    let first = json["rounds"][0]["groups"].as_array().unwrap();
    let kept: Vec<&serde_json::Value> = first.iter().filter(|g| g["kept"] == true).collect();
    assert_eq!(kept.len(), 1, "{first:?}");
    assert_eq!(members_of(kept[0]), ["ana", "ben"]);
    assert_eq!(kept[0]["rounds_together"], 2);
    for g in first.iter().filter(|g| g["kept"] != true) {
        let m = members_of(g);
        assert!(!m.contains(&"ana") && !m.contains(&"ben"), "{m:?}");
        assert!(
            !(m.contains(&"chloe") && m.contains(&"dev")),
            "three rounds together is the most: {m:?}"
        );
    }
    // Nobody chose anything after that round: everyone is matched anew.
    assert!(json["rounds"][1]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["kept"] != true));

    let out = run("text");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(and 1 kept together)"), "{text}");
    assert!(
        text.contains("Kept together (all chose to keep meeting):\n    • Ana Lima (Design) + Ben Okafor (Data) — round 2 together"),
        "{text}"
    );
    assert!(
        text.contains("Chloé Martin (Platform) + Dev Patel (Product) asked to keep meeting but have had 3 rounds together: each meets someone new."),
        "{text}"
    );
}

#[test]
fn match_forms_circles() {
    let out = tandem()
        .args([
            "match",
            "--roster",
            "examples/roster.csv",
            "--circles",
            "4",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json = json_out(&out);
    let groups = json["rounds"][0]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 9);
    assert!(groups
        .iter()
        .all(|g| g["members"].as_array().unwrap().len() == 4));
}

#[test]
fn match_names_the_line_and_problem_of_a_bad_roster() {
    let path = temp_file(
        "roster.csv",
        "id,name,team,level,timezone,offers,wants\nana,Ana,D,3,UTC,sql,rust\nben,Ben,D,3,Nowhere/City,sql,rust\n",
    );
    let out = tandem()
        .args(["match", "--roster"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!(
            "tandem: {}: line 3: time zone \"Nowhere/City\" is not an IANA name such as Europe/Berlin or America/New_York\n",
            path.display()
        )
    );
    let out = tandem()
        .args(["match", "--roster", "no/such.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("tandem: no/such.csv: cannot read"));
    let bad_history = temp_file("h.json", "{\"not\": \"history\"}");
    let out = tandem()
        .args(["match", "--roster", "examples/roster.csv", "--history"])
        .arg(&bad_history)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Tandem history"));
}

/// Twenty people with identical skills, 19 rounds through `--rounds`: how
/// long until some pair meets again, against shuffling at random.
/// The first round (from 1) in which `rounds` repeat a pair, and how many
/// distinct pairs they form.
fn repeats(json: &serde_json::Value) -> (Option<usize>, usize) {
    let mut met = std::collections::HashSet::new();
    let mut first = None;
    for (r, round) in json["rounds"].as_array().unwrap().iter().enumerate() {
        for g in round["groups"].as_array().unwrap() {
            let mut m = members_of(g);
            m.sort();
            for i in 0..m.len() {
                for j in i + 1..m.len() {
                    if !met.insert((m[i].to_owned(), m[j].to_owned())) && first.is_none() {
                        first = Some(r + 1);
                    }
                }
            }
        }
    }
    (first, met.len())
}

#[test]
fn match_rounds_meet_everyone_once_before_anyone_twice() {
    for (n, rounds) in [(20, 19), (50, 45)] {
        let mut csv = String::from("id,name,team,level,timezone,offers,wants\n");
        for i in 0..n {
            csv.push_str(&format!("p{i},P{i},All,3,Europe/Berlin,sql,sql\n"));
        }
        let roster = temp_file("uniform.csv", &csv);
        let out = tandem()
            .args(["match", "--format", "json", "--rounds"])
            .arg(rounds.to_string())
            .arg("--roster")
            .arg(&roster)
            .output()
            .unwrap();
        let (first, distinct) = repeats(&json_out(&out));
        println!("n = {n}, {rounds} rounds: first repeat {first:?}, {distinct} distinct pairs");
        assert_eq!(first, None, "n = {n}: a repeat within {rounds} rounds");
        assert_eq!(distinct, n * rounds / 2);
    }
}

#[test]
fn match_rounds_on_the_example_roster_keep_their_variety_and_teaching() {
    // Measured before issue 15's changes to rounds: 119 distinct pairs over
    // 12 rounds (131 now), and this share of pairs who can each teach the
    // other, round by round (unchanged).
    const BEFORE: [f64; 12] = [
        0.5, 0.294, 0.118, 0.059, 0.0, 0.5, 0.294, 0.118, 0.059, 0.0, 0.5, 0.294,
    ];
    let out = tandem()
        .args(["match", "--roster", "examples/roster.csv", "--rounds", "12"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json = json_out(&out);
    let (_, distinct) = repeats(&json);
    assert!(distinct >= 119, "{distinct} distinct pairs");
    for (r, round) in json["rounds"].as_array().unwrap().iter().enumerate() {
        let groups = round["groups"].as_array().unwrap();
        let mutual = groups
            .iter()
            .filter(|g| {
                g["reasons"][0]
                    .as_str()
                    .unwrap_or("")
                    .matches("can help")
                    .count()
                    >= 2
            })
            .count();
        let share = mutual as f64 / groups.len() as f64;
        assert!(
            (share - BEFORE[r]).abs() <= 0.02,
            "round {}: {share:.3} of pairs teach each other, {} before",
            r + 1,
            BEFORE[r]
        );
    }
}

/// An empty working directory: no `config/`, nothing but the binary.
fn empty_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(random_prefix());
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_binary_alone_runs_on_its_built_in_defaults_and_says_where_each_value_came_from() {
    let dir = empty_dir();
    let out = tandem()
        .current_dir(&dir)
        .arg("check-config")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "built-in defaults (no config file): configuration is valid\n"
    );

    let out = tandem()
        .current_dir(&dir)
        .arg("config")
        .env("TANDEM__SCHEDULER__TICK_MS", "700")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.starts_with(
            "# Effective configuration: built-in defaults, then TANDEM__ variables.\n"
        ),
        "{shown}"
    );
    for line in [
        "program.checkin_schedule = \"0 0 9 * * Mon\"  # built-in default",
        "scheduler.tick_ms = 700  # environment variable TANDEM__SCHEDULER__TICK_MS",
        "slack.timeout_ms = 10000  # built-in default",
        "pairing.weights.teach = 10.0  # built-in default",
    ] {
        assert!(shown.lines().any(|l| l == line), "{line} in:\n{shown}");
    }

    // A file needs only the keys it changes.
    let partial = temp_file("tandem.toml", "[scheduler]\nbatch = 7\n");
    let out = tandem()
        .current_dir(&dir)
        .args(["config", "--config"])
        .arg(&partial)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown
            .lines()
            .any(|l| l == format!("scheduler.batch = 7  # {}", partial.display())),
        "{shown}"
    );
    assert!(
        shown
            .lines()
            .any(|l| l == "scheduler.tick_ms = 5000  # built-in default"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_starts_from_an_empty_directory_and_says_it_runs_on_defaults() {
    let fake = FakeSlack::start().await;
    let port = closed_port().await;
    let mut child = tandem()
        .current_dir(empty_dir())
        .arg("serve")
        .env("SLACK_BOT_TOKEN", BOT_TOKEN)
        .env("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        .env("SLACK_API_URL", fake.api_url())
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let up = comes_up(&format!("http://127.0.0.1:{port}")).await;
    let _ = child.kill();
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let _ = child.wait();
    assert!(up, "serving: {logs}");
    assert!(
        logs.lines().any(|l| l.contains("configuration loaded")
            && l.contains("built-in defaults (no config file)")),
        "{logs}"
    );
}
