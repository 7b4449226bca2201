//! A bug that panics must not quietly end a replica's scheduler: a panic in
//! a job is one failed run of that job (retried with back-off), a panic in
//! the loop restarts the loop, both are counted, and `/readyz` tells an
//! orchestrator while the scheduler is down.

use crate::scheduler::{
    checkins_by_member, due_key, monday_morning, nine_oclock, settle, wait_until_due_within, zscore,
};
use crate::support;

use chrono::Duration as Span;
use std::sync::Arc;
use support::clocks::PanicClock;
use support::*;
use tandem::clock::ManualClock;

async fn spawn_with(clock: &Arc<PanicClock>) -> TestApp {
    spawn(Spawn {
        custom_clock: Some(clock.clone()),
        ..Spawn::default()
    })
    .await
}

async fn readyz(app: &TestApp) -> (u16, String) {
    let response = app.get("/readyz").await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn a_panic_in_the_scheduler_restarts_it_and_readyz_says_so_meanwhile() {
    let logs = captured_logs();
    let time = ManualClock::new(monday_morning());
    let clock = Arc::new(PanicClock::new(time.clone()));
    let app = spawn_with(&clock).await;
    app.say("U0ANA", "join").await;
    app.settled().await;
    assert_eq!(readyz(&app).await, (200, "ready\n".into()));

    clock.panic_always();
    app.wait_for_metric(r#"tandem_slack_events_total{kind="scheduler",outcome="restarted"} 1"#)
        .await;
    assert_eq!(
        readyz(&app).await,
        (
            503,
            "not ready: scheduler is restarting after a panic\n".into()
        )
    );
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        text.contains("the scheduler panicked; restarting it"),
        "logged"
    );

    // The bug goes away (say, the bad data is fixed): the scheduler is
    // back on its own and does its work, once.
    clock.disarm();
    time.set(nine_oclock());
    wait_until("the check-in after the restart", || {
        checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&1)
    })
    .await;
    assert_eq!(readyz(&app).await, (200, "ready\n".into()));
    settle(&[&app]).await;
    assert_eq!(checkins_by_member(&[&app.fake]).get("U0ANA"), Some(&1));
}

#[tokio::test]
async fn a_panic_in_a_job_is_one_failed_run_of_that_job() {
    let time = ManualClock::new(monday_morning());
    let clock = Arc::new(PanicClock::new(time.clone()));
    let app = spawn_with(&clock).await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "goal add Learn Rust").await;
    app.settled().await;

    clock.panic_in_the_next_job();
    time.set(nine_oclock());
    app.wait_for_metric(r#"tandem_slack_events_total{kind="job",outcome="panicked"} 1"#)
        .await;
    // Counted as a failure: retried a minute later (plus up to a fifth).
    let retry = wait_until_due_within(
        &app,
        "checkin:U0ANA",
        nine_oclock() + Span::seconds(60),
        nine_oclock() + Span::seconds(72),
    )
    .await;
    assert_eq!(
        app.metric(r#"tandem_slack_events_total{kind="scheduler",outcome="restarted"}"#)
            .await,
        0.0,
        "the loop itself never stopped"
    );
    assert_eq!(readyz(&app).await, (200, "ready\n".into()));
    time.set(retry);
    wait_until("the retried check-in", || {
        checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&1)
    })
    .await;
    settle(&[&app]).await;
    assert_eq!(checkins_by_member(&[&app.fake]).get("U0ANA"), Some(&1));
    assert_eq!(
        zscore(&app, &due_key(&app), "checkin:U0ANA").await,
        Some((nine_oclock() + Span::days(7)).timestamp_millis()),
        "and then next week's"
    );
}
