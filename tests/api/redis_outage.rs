//! Redis restarting under a running replica (a Redis of the test's own,
//! with AOF, killed and started again): nothing is lost and no member is
//! prompted twice.

use crate::scheduler::{checkins_by_member, members, monday_morning, nine_oclock, settle};
use crate::support;

use std::time::Duration;
use support::own_redis::OwnRedis;
use support::*;
use tandem::clock::ManualClock;

#[tokio::test]
async fn a_check_in_sent_while_redis_restarts_is_recorded_when_it_is_back() {
    let mut redis = OwnRedis::new();
    redis.start().await;
    let clock = ManualClock::new(monday_morning());
    let url = redis.url();
    let app = spawn(Spawn {
        store: StoreChoice::Url(url.clone()),
        clock: Some(clock.clone()),
        batch: Some(5),
        tweak: Some(|c| c.scheduler.lease_secs = 5),
        ..Spawn::default()
    })
    .await;
    let people = members(3);
    app.join_all(&people).await;
    app.settled().await;
    // Slack takes a second to accept each check-in; Redis dies while the
    // first is on its way, and is back two seconds later.
    app.fake.slow_posts(Duration::from_secs(1));
    clock.set(nine_oclock());
    wait_until("the first check-in on its way", || {
        !app.fake.calls("chat.postMessage").is_empty()
    })
    .await;
    redis.stop();
    tokio::time::sleep(Duration::from_secs(2)).await;
    redis.start().await;

    wait_until("every member served", || {
        checkins_by_member(&[&app.fake]).len() == people.len()
    })
    .await;
    // Long enough for any lease the outage left behind to end (5 s of
    // Redis time) and its job to run again, were it not recorded.
    tokio::time::sleep(Duration::from_secs(6)).await;
    settle(&[&app]).await;
    let counts = checkins_by_member(&[&app.fake]);
    assert!(
        people.iter().all(|m| counts.get(m) == Some(&1)),
        "each member prompted once: {counts:?}"
    );
    assert_eq!(
        app.metric(r#"tandem_slack_events_total{kind="job",outcome="unrecorded"}"#)
            .await,
        0.0
    );
}
