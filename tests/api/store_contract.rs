//! One contract, two stores: every check runs against real Redis (under a
//! random key prefix) and against the in-memory store.

use crate::support;

use std::sync::Arc;
use std::time::Duration;
use support::{random_prefix, require_redis};
use tandem::ids::TeamId;
use tandem::store::{Keys, MemoryStore, RedisStore, Store, StoreError};

fn team(id: &str) -> TeamId {
    TeamId::parse(id).unwrap()
}

async fn redis_store(prefix: &str) -> Arc<dyn Store> {
    let url = require_redis().await;
    Arc::new(RedisStore::connect_lazily(&url, Keys::new(prefix)).unwrap())
}

fn memory_store(prefix: &str) -> Arc<dyn Store> {
    Arc::new(MemoryStore::new(Keys::new(prefix)))
}

const MINUTE: Duration = Duration::from_secs(60);

async fn answers_ping(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
}

async fn first_claim_wins_and_repeats_lose(store: Arc<dyn Store>) {
    let t = team("T0AAA");
    assert!(!store.event_seen(&t, "Ev1").await.unwrap());
    assert!(store.claim_event(&t, "Ev1", MINUTE).await.unwrap());
    assert!(store.event_seen(&t, "Ev1").await.unwrap());
    assert!(!store.event_seen(&team("T0BBB"), "Ev1").await.unwrap());
    assert!(!store.claim_event(&t, "Ev1", MINUTE).await.unwrap());
    assert!(!store.claim_event(&t, "Ev1", MINUTE).await.unwrap());
    assert!(store.claim_event(&t, "Ev2", MINUTE).await.unwrap());
}

async fn workspaces_never_share_claims(store: Arc<dyn Store>) {
    assert!(store
        .claim_event(&team("T0AAA"), "Ev1", MINUTE)
        .await
        .unwrap());
    assert!(store
        .claim_event(&team("T0BBB"), "Ev1", MINUTE)
        .await
        .unwrap());
}

async fn claims_expire_after_their_ttl(store: Arc<dyn Store>) {
    let t = team("T0AAA");
    let ttl = Duration::from_millis(80);
    assert!(store.claim_event(&t, "Ev1", ttl).await.unwrap());
    assert!(!store.claim_event(&t, "Ev1", ttl).await.unwrap());
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(
        store.claim_event(&t, "Ev1", ttl).await.unwrap(),
        "claim did not expire"
    );
}

async fn concurrent_claims_have_one_winner(store: Arc<dyn Store>) {
    let t = team("T0AAA");
    // Released together, on a multi-threaded runtime: the claims really
    // run at the same time on different threads.
    let start = Arc::new(tokio::sync::Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            let t = t.clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                store.claim_event(&t, "EvRace", MINUTE).await.unwrap()
            })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        winners += task.await.unwrap() as usize;
    }
    assert_eq!(winners, 1);
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod redis_contract {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(redis_store(&random_prefix()).await).await;
                }
            )*
        }
        mod memory_contract {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(memory_store(&random_prefix())).await;
                }
            )*
        }
    };
}

/// Program counts: per day, all time and per member, with negative
/// amounts; a forgotten member's own counts are erased and not begun again.
async fn counts_add_up_by_day_all_time_and_member(store: Arc<dyn Store>) {
    use tandem::ids::UserId;
    let t = team("T0AAA");
    let ana = UserId::parse("U0ANA").unwrap();
    store
        .count(&t, Some(&ana), "2026-11-30", &[("met", 1), ("not_yet", 1)])
        .await
        .unwrap();
    store
        .count(&t, Some(&ana), "2026-12-01", &[("met", 1), ("not_yet", -1)])
        .await
        .unwrap();
    store
        .count(&t, None, "2026-12-01", &[("circle_prompts", 3)])
        .await
        .unwrap();
    store
        .count(&team("T0BBB"), None, "2026-12-01", &[("met", 5)])
        .await
        .unwrap();
    let days = ["2026-11-30", "2026-12-01", "all", "2026-01-01"].map(String::from);
    let got = store.tallies(&t, &days).await.unwrap();
    let get = |i: usize, k: &str| got[i].get(k).copied().unwrap_or(0);
    assert_eq!((get(0, "met"), get(0, "not_yet")), (1, 1));
    assert_eq!(
        (get(1, "met"), get(1, "not_yet"), get(1, "circle_prompts")),
        (1, -1, 3)
    );
    assert_eq!(
        (get(2, "met"), get(2, "not_yet"), get(2, "circle_prompts")),
        (2, 0, 3)
    );
    assert!(got[3].is_empty());
    let own = store
        .member_tallies(&t, std::slice::from_ref(&ana))
        .await
        .unwrap();
    assert_eq!(own[0].get("met"), Some(&2));
    assert_eq!(own[0].get("met@2026-11-30"), Some(&1));
    assert_eq!(own[0].get("not_yet@2026-12-01"), Some(&-1));
    assert!(
        !own[0].contains_key("circle_prompts"),
        "the workspace's own counts stay apart"
    );

    store.erase_member(&t, &ana).await.unwrap();
    assert!(store
        .member_tallies(&t, std::slice::from_ref(&ana))
        .await
        .unwrap()[0]
        .is_empty());
    store
        .count(&t, Some(&ana), "2026-12-01", &[("met", 1)])
        .await
        .unwrap();
    assert!(
        store
            .member_tallies(&t, std::slice::from_ref(&ana))
            .await
            .unwrap()[0]
            .is_empty(),
        "a job still running for them brings nothing back"
    );
    assert_eq!(
        store.tallies(&t, &days[2..3]).await.unwrap()[0].get("met"),
        Some(&3)
    );
}

async fn round_figures_are_set_or_only_raised(store: Arc<dyn Store>) {
    let t = team("T0AAA");
    store
        .set_round_figures(&t, 3, &[("pairs", 6), ("g0", 1)], false)
        .await
        .unwrap();
    store
        .set_round_figures(&t, 3, &[("g0", 3), ("g1", 2)], true)
        .await
        .unwrap();
    store
        .set_round_figures(&t, 3, &[("g0", 1)], true)
        .await
        .unwrap();
    store
        .set_round_figures(&t, 3, &[("pairs", 5)], false)
        .await
        .unwrap();
    let got = store.round_figures(&t, &[3, 4]).await.unwrap();
    assert_eq!(got[0].get("pairs"), Some(&5), "set: as given");
    assert_eq!(got[0].get("g0"), Some(&3), "raised, never lowered");
    assert_eq!(got[0].get("g1"), Some(&2));
    assert!(got[1].is_empty());
}

async fn many_documents_load_in_one_read(store: Arc<dyn Store>) {
    use tandem::ids::UserId;
    use tandem::store::Doc;
    let t = team("T0AAA");
    let users: Vec<UserId> = (0..1500)
        .map(|i| UserId::parse(&format!("U0L{i:04}")).unwrap())
        .collect();
    for u in users.iter().step_by(2) {
        store
            .swap_doc(&t, u, Doc::Profile, None, u.as_str())
            .await
            .unwrap();
    }
    let got = store.load_docs(&t, &users, Doc::Profile).await.unwrap();
    assert_eq!(got.len(), users.len());
    for (i, (u, v)) in users.iter().zip(&got).enumerate() {
        assert_eq!(v.as_deref(), (i % 2 == 0).then_some(u.as_str()), "{u}");
    }
    assert!(store
        .load_docs(&t, &[], Doc::Profile)
        .await
        .unwrap()
        .is_empty());
}

/// Every document is found by `document_slots` — whichever server holds
/// it (on a cluster, workspaces land on different nodes) — and program-wide
/// values are kept.
async fn documents_are_found_wherever_they_live(store: Arc<dyn Store>) {
    use tandem::ids::UserId;
    use tandem::store::{Doc, DocSlot};
    let teams: Vec<TeamId> = (0..12).map(|i| team(&format!("T0W{i:03}"))).collect();
    let ana = UserId::parse("U0ANA").unwrap();
    let mut expected = Vec::new();
    for t in &teams {
        assert!(store
            .swap_doc(t, &ana, Doc::Goals, None, "{}")
            .await
            .unwrap());
        assert!(store.swap_team_doc(t, "circles", None, "{}").await.unwrap());
        store.add_member(t, &ana).await.unwrap();
        expected.push(DocSlot::Member {
            team: t.clone(),
            user: ana.clone(),
            doc: Doc::Goals,
        });
        expected.push(DocSlot::Team {
            team: t.clone(),
            name: "circles".into(),
        });
    }
    expected.sort();
    assert_eq!(store.document_slots().await.unwrap(), expected);
    assert!(store.swap_meta("canary", None, "sealed").await.unwrap());
    assert!(!store.swap_meta("canary", None, "other").await.unwrap());
    assert_eq!(
        store.load_meta("canary").await.unwrap().as_deref(),
        Some("sealed")
    );
}

/// Every contract above, against stores `make` gives (a fresh key prefix
/// each): how the cluster tests run the same suite.
pub async fn every_contract(make: impl AsyncFn() -> Arc<dyn Store>) {
    answers_ping(make().await).await;
    first_claim_wins_and_repeats_lose(make().await).await;
    workspaces_never_share_claims(make().await).await;
    claims_expire_after_their_ttl(make().await).await;
    concurrent_claims_have_one_winner(make().await).await;
    counts_add_up_by_day_all_time_and_member(make().await).await;
    round_figures_are_set_or_only_raised(make().await).await;
    many_documents_load_in_one_read(make().await).await;
    documents_are_found_wherever_they_live(make().await).await;
    documents::compare_and_set(make().await).await;
    documents::a_document_joins_and_queues_with_its_change_or_not_at_all(make().await).await;
    erasing::erase_member_removes_only_that_member(make().await).await;
    erasing::a_forgotten_member_is_fenced_until_they_join_again(make().await).await;
    membership_and_team_docs::members_and_team_docs(make().await).await;
    job_queue::due_jobs_are_claimed_once_and_rescheduled(make().await).await;
    job_queue::an_expired_lease_returns_the_job_and_its_holder_loses_it(make().await).await;
    job_queue::leases_are_timed_by_the_store_not_the_callers_clock(make().await).await;
    job_queue::a_renewed_lease_outlives_its_first_length(make().await).await;
    job_queue::concurrent_claimers_never_share_a_job(make().await).await;
    job_queue::cancelled_jobs_are_gone(make().await).await;
    job_queue::failures_are_counted_until_recovered_or_cancelled(make().await).await;
    job_queue::jobs_are_found_by_a_part_of_their_name_queued_or_leased(make().await).await;
    job_queue::a_commit_writes_every_document_and_job_or_nothing(make().await).await;
}

contract!(
    documents_are_found_wherever_they_live,
    counts_add_up_by_day_all_time_and_member,
    round_figures_are_set_or_only_raised,
    many_documents_load_in_one_read,
    answers_ping,
    first_claim_wins_and_repeats_lose,
    workspaces_never_share_claims,
    claims_expire_after_their_ttl,
    concurrent_claims_have_one_winner,
);

#[tokio::test]
async fn redis_keys_carry_the_prefix_and_the_team_hash_tag() {
    let prefix = random_prefix();
    let store = redis_store(&prefix).await;
    store
        .claim_event(&team("T0AAA"), "Ev9", MINUTE)
        .await
        .unwrap();

    let client = redis::Client::open(require_redis().await).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(keys, vec![format!("{prefix}:{{T0AAA}}:event:Ev9")]);
    let ttl: i64 = redis::cmd("TTL")
        .arg(&keys[0])
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!((1..=60).contains(&ttl), "claims are short-lived, ttl={ttl}");
    let _: () = redis::cmd("DEL")
        .arg(&keys[0])
        .query_async(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn redis_down_is_an_error_not_a_panic() {
    let port = support::closed_port().await;
    let store =
        RedisStore::connect_lazily(&format!("redis://127.0.0.1:{port}/0"), Keys::new("x")).unwrap();
    assert!(matches!(
        store.ping().await,
        Err(StoreError::Unavailable(_))
    ));
    assert!(matches!(
        store.claim_event(&team("T0AAA"), "Ev1", MINUTE).await,
        Err(StoreError::Unavailable(_))
    ));
}

mod documents {
    use super::*;
    use tandem::ids::UserId;
    use tandem::store::Doc;

    fn user(id: &str) -> UserId {
        UserId::parse(id).unwrap()
    }

    pub(super) async fn compare_and_set(store: Arc<dyn Store>) {
        let (t, u) = (team("T0AAA"), user("U0ANA"));
        assert_eq!(store.load_doc(&t, &u, Doc::Goals).await.unwrap(), None);
        assert!(store
            .swap_doc(&t, &u, Doc::Goals, None, "{\"v\":1}")
            .await
            .unwrap());
        assert!(
            !store
                .swap_doc(&t, &u, Doc::Goals, None, "{\"v\":2}")
                .await
                .unwrap(),
            "absent expected"
        );
        assert!(!store
            .swap_doc(&t, &u, Doc::Goals, Some("stale"), "x")
            .await
            .unwrap());
        assert!(store
            .swap_doc(&t, &u, Doc::Goals, Some("{\"v\":1}"), "{\"v\":3}")
            .await
            .unwrap());
        assert_eq!(
            store.load_doc(&t, &u, Doc::Goals).await.unwrap().as_deref(),
            Some("{\"v\":3}")
        );
        // Other documents, members and workspaces are separate.
        assert_eq!(store.load_doc(&t, &u, Doc::Notes).await.unwrap(), None);
        assert_eq!(
            store
                .load_doc(&t, &user("U0BEN"), Doc::Goals)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .load_doc(&team("T0BBB"), &u, Doc::Goals)
                .await
                .unwrap(),
            None
        );
    }

    pub(super) async fn a_document_joins_and_queues_with_its_change_or_not_at_all(
        store: Arc<dyn Store>,
    ) {
        let (t, u) = (team("T0AAA"), user("U0ANA"));
        let jobs = vec![("checkin:U0ANA".to_owned(), 9_000)];
        store
            .swap_doc(&t, &u, Doc::Profile, None, "p1")
            .await
            .unwrap();
        // A stale expectation: no document, no membership, no job.
        assert!(!store
            .swap_doc_also(&t, &u, Doc::Profile, None, "p2", true, &jobs)
            .await
            .unwrap());
        assert!(store.members(&t).await.unwrap().is_empty());
        assert!(store.jobs_containing(&t, "U0ANA").await.unwrap().is_empty());
        // As read: all three together.
        assert!(store
            .swap_doc_also(&t, &u, Doc::Profile, Some("p1"), "p2", true, &jobs)
            .await
            .unwrap());
        assert_eq!(store.members(&t).await.unwrap(), std::slice::from_ref(&u));
        assert_eq!(
            store.claim_jobs(&t, "r", 9_000, 60_000, 10).await.unwrap(),
            ["checkin:U0ANA"]
        );
        // Without joining: the document alone.
        assert!(store
            .swap_doc_also(&t, &user("U0BEN"), Doc::Profile, None, "b", false, &[])
            .await
            .unwrap());
        assert_eq!(store.members(&t).await.unwrap(), [u]);
    }

    #[tokio::test]
    async fn redis_joins_and_queues_with_its_change() {
        a_document_joins_and_queues_with_its_change_or_not_at_all(
            redis_store(&random_prefix()).await,
        )
        .await;
    }

    #[tokio::test]
    async fn memory_joins_and_queues_with_its_change() {
        a_document_joins_and_queues_with_its_change_or_not_at_all(memory_store(&random_prefix()))
            .await;
    }

    #[tokio::test]
    async fn redis_compare_and_set() {
        compare_and_set(redis_store(&random_prefix()).await).await;
    }

    #[tokio::test]
    async fn memory_compare_and_set() {
        compare_and_set(memory_store(&random_prefix())).await;
    }
}

mod erasing {
    use super::*;
    use tandem::ids::UserId;
    use tandem::store::Doc;

    pub(super) async fn erase_member_removes_only_that_member(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        let (ana, ben) = (
            UserId::parse("U0ANA").unwrap(),
            UserId::parse("U0BEN").unwrap(),
        );
        for (u, d) in [(&ana, Doc::Goals), (&ana, Doc::Notes), (&ben, Doc::Goals)] {
            assert!(store.swap_doc(&t, u, d, None, "{}").await.unwrap());
        }
        // Sent-marks of scheduled jobs name the member: Ana's go with her;
        // Ben's, those of an id that merely starts like hers, and Slack's
        // event ids stay.
        let marks = [
            ("sent:checkin:U0ANA:1796029260", true),
            ("sent:remind:U0ANA:3:2026-12-01", true),
            ("sent:resume:U0ANA:2026-12-06", true),
            ("sent:checkin:U0ANAB:1796029260", false),
            ("sent:checkin:U0BEN:1796029260", false),
            ("Ev0U0ANA", false),
        ];
        for (mark, _) in marks {
            assert!(store.claim_event(&t, mark, MINUTE).await.unwrap());
        }
        assert_eq!(store.erase_member(&t, &ana).await.unwrap(), 5);
        assert_eq!(store.load_doc(&t, &ana, Doc::Goals).await.unwrap(), None);
        assert_eq!(store.load_doc(&t, &ana, Doc::Notes).await.unwrap(), None);
        assert_eq!(
            store
                .load_doc(&t, &ben, Doc::Goals)
                .await
                .unwrap()
                .as_deref(),
            Some("{}")
        );
        assert_eq!(
            store.erase_member(&t, &ana).await.unwrap(),
            0,
            "erasing twice is harmless"
        );
        for (mark, erased) in marks {
            assert_eq!(
                store.claim_event(&t, mark, MINUTE).await.unwrap(),
                erased,
                "{mark}"
            );
        }
    }

    pub(super) async fn a_forgotten_member_is_fenced_until_they_join_again(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        let (ana, ben) = (
            UserId::parse("U0ANA").unwrap(),
            UserId::parse("U0BEN").unwrap(),
        );
        store.erase_member(&t, &ana).await.unwrap();
        // A job still running for Ana writes nothing about her.
        assert!(matches!(
            store.swap_doc(&t, &ana, Doc::Checkin, None, "{}").await,
            Err(StoreError::Forgotten)
        ));
        assert!(matches!(
            store
                .swap_doc_also(&t, &ana, Doc::Checkin, None, "{}", false, &[])
                .await,
            Err(StoreError::Forgotten)
        ));
        assert!(matches!(
            store
                .schedule_member_job(&t, &ana, "remind:U0ANA:1", 5)
                .await,
            Err(StoreError::Forgotten)
        ));
        store
            .mark_member_sent(&t, &ana, "sent:checkin:U0ANA:1", MINUTE)
            .await
            .unwrap();
        assert!(!store.event_seen(&t, "sent:checkin:U0ANA:1").await.unwrap());
        assert!(store.jobs_containing(&t, "U0ANA").await.unwrap().is_empty());
        // Others are not fenced, nor is Ana in another workspace.
        assert!(store
            .swap_doc(&t, &ben, Doc::Checkin, None, "{}")
            .await
            .unwrap());
        store
            .schedule_member_job(&t, &ben, "remind:U0BEN:1", 5)
            .await
            .unwrap();
        assert!(store
            .swap_doc(&team("T0BBB"), &ana, Doc::Checkin, None, "{}")
            .await
            .unwrap());
        // Joining again takes the fence down.
        assert!(store
            .swap_doc_also(&t, &ana, Doc::Profile, None, "{}", true, &[])
            .await
            .unwrap());
        assert!(store
            .swap_doc(&t, &ana, Doc::Checkin, None, "{}")
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn redis_fence() {
        a_forgotten_member_is_fenced_until_they_join_again(redis_store(&random_prefix()).await)
            .await;
    }

    #[tokio::test]
    async fn memory_fence() {
        a_forgotten_member_is_fenced_until_they_join_again(memory_store(&random_prefix())).await;
    }

    #[tokio::test]
    async fn redis_erase_member() {
        erase_member_removes_only_that_member(redis_store(&random_prefix()).await).await;
    }

    #[tokio::test]
    async fn memory_erase_member() {
        erase_member_removes_only_that_member(memory_store(&random_prefix())).await;
    }
}

mod membership_and_team_docs {
    use super::*;
    use tandem::ids::UserId;

    pub(super) async fn members_and_team_docs(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        let (ana, ben) = (
            UserId::parse("U0ANA").unwrap(),
            UserId::parse("U0BEN").unwrap(),
        );
        store.add_member(&t, &ben).await.unwrap();
        store.add_member(&t, &ana).await.unwrap();
        store.add_member(&t, &ana).await.unwrap();
        assert_eq!(
            store.members(&t).await.unwrap(),
            vec![ana.clone(), ben.clone()]
        );
        assert!(store.members(&team("T0BBB")).await.unwrap().is_empty());
        store.erase_member(&t, &ana).await.unwrap();
        assert_eq!(store.members(&t).await.unwrap(), vec![ben]);

        assert_eq!(store.load_team_doc(&t, "rounds").await.unwrap(), None);
        assert!(store.swap_team_doc(&t, "rounds", None, "1").await.unwrap());
        assert!(!store.swap_team_doc(&t, "rounds", None, "2").await.unwrap());
        assert!(store
            .swap_team_doc(&t, "rounds", Some("1"), "2")
            .await
            .unwrap());
        assert_eq!(
            store.load_team_doc(&t, "rounds").await.unwrap().as_deref(),
            Some("2")
        );
    }

    #[tokio::test]
    async fn redis_members_and_team_docs() {
        members_and_team_docs(redis_store(&random_prefix()).await).await;
    }

    #[tokio::test]
    async fn memory_members_and_team_docs() {
        members_and_team_docs(memory_store(&random_prefix())).await;
    }
}

mod job_queue {
    use super::*;

    pub(super) async fn due_jobs_are_claimed_once_and_rescheduled(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        store
            .schedule_job(&t, "checkin:U0ANA", 1_000)
            .await
            .unwrap();
        store
            .schedule_job(&t, "checkin:U0BEN", 5_000)
            .await
            .unwrap();
        assert!(
            store
                .claim_jobs(&t, "a", 500, 60_000, 10)
                .await
                .unwrap()
                .is_empty(),
            "nothing due yet"
        );
        assert_eq!(
            store.claim_jobs(&t, "a", 1_000, 60_000, 10).await.unwrap(),
            ["checkin:U0ANA"]
        );
        assert!(
            store
                .claim_jobs(&t, "b", 2_000, 60_000, 10)
                .await
                .unwrap()
                .is_empty(),
            "leased jobs are not claimed twice"
        );
        assert!(store
            .finish_job(&t, "a", "checkin:U0ANA", Some(100_000), true)
            .await
            .unwrap());
        assert_eq!(
            store.claim_jobs(&t, "b", 6_000, 60_000, 10).await.unwrap(),
            ["checkin:U0BEN"]
        );
        assert!(store
            .finish_job(&t, "b", "checkin:U0BEN", None, true)
            .await
            .unwrap());
        assert_eq!(
            store
                .claim_jobs(&t, "b", 100_000, 60_000, 10)
                .await
                .unwrap(),
            ["checkin:U0ANA"],
            "rescheduled"
        );
    }

    pub(super) async fn an_expired_lease_returns_the_job_and_its_holder_loses_it(
        store: Arc<dyn Store>,
    ) {
        let t = team("T0AAA");
        store.schedule_job(&t, "round", 0).await.unwrap();
        assert_eq!(
            store.claim_jobs(&t, "dies", 0, 100, 1).await.unwrap(),
            ["round"]
        );
        // The holder dies; after its lease (100 ms of the store's own
        // time) another replica takes the job.
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        assert_eq!(
            store.claim_jobs(&t, "alive", 150, 60_000, 1).await.unwrap(),
            ["round"]
        );
        assert!(
            !store
                .finish_job(&t, "dies", "round", Some(9_999), true)
                .await
                .unwrap(),
            "a lost lease cannot finish"
        );
        assert!(
            !store
                .renew_lease(&t, "dies", "round", 60_000)
                .await
                .unwrap(),
            "nor be renewed"
        );
        assert!(store
            .finish_job(&t, "alive", "round", None, true)
            .await
            .unwrap());
        assert!(
            store
                .claim_jobs(&t, "alive", 1_000_000, 60_000, 10)
                .await
                .unwrap()
                .is_empty(),
            "finished without a next run"
        );
    }

    pub(super) async fn leases_are_timed_by_the_store_not_the_callers_clock(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        store.schedule_job(&t, "checkin:U0ANA", 0).await.unwrap();
        assert_eq!(
            store.claim_jobs(&t, "a", 0, 60_000, 1).await.unwrap().len(),
            1
        );
        // A replica whose clock runs a day ahead sees the job as long due,
        // but the lease is a minute of the store's time: still held.
        let day_ahead = 24 * 3_600_000;
        assert!(store
            .claim_jobs(&t, "fast", day_ahead, 60_000, 10)
            .await
            .unwrap()
            .is_empty());
        assert!(store
            .finish_job(&t, "a", "checkin:U0ANA", None, true)
            .await
            .unwrap());
    }

    pub(super) async fn a_renewed_lease_outlives_its_first_length(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        store.schedule_job(&t, "checkin:U0ANA", 0).await.unwrap();
        store.claim_jobs(&t, "a", 0, 200, 1).await.unwrap();
        // Renewed every 100 ms for half a second: nobody else gets it.
        for _ in 0..5 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            assert!(store
                .renew_lease(&t, "a", "checkin:U0ANA", 200)
                .await
                .unwrap());
            assert!(store
                .claim_jobs(&t, "b", 1_000, 60_000, 10)
                .await
                .unwrap()
                .is_empty());
        }
        assert!(
            !store
                .renew_lease(&t, "b", "checkin:U0ANA", 200)
                .await
                .unwrap(),
            "only the holder renews"
        );
        assert!(
            !store
                .renew_lease(&t, "a", "checkin:U0BEN", 200)
                .await
                .unwrap(),
            "nor a job nobody holds"
        );
        // Left alone, it ends and the job moves on.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(
            store.claim_jobs(&t, "b", 1_000, 60_000, 10).await.unwrap(),
            ["checkin:U0ANA"]
        );
        assert!(!store
            .renew_lease(&t, "a", "checkin:U0ANA", 200)
            .await
            .unwrap());
    }

    pub(super) async fn concurrent_claimers_never_share_a_job(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        for i in 0..500 {
            store
                .schedule_job(&t, &format!("checkin:{i}"), i)
                .await
                .unwrap();
        }
        let start = Arc::new(tokio::sync::Barrier::new(3));
        let claimers: Vec<_> = (0..3)
            .map(|c| {
                let store = store.clone();
                let t = t.clone();
                let start = start.clone();
                tokio::spawn(async move {
                    start.wait().await;
                    let mut got = Vec::new();
                    loop {
                        let batch = store
                            .claim_jobs(&t, &format!("r{c}"), 1_000, 60_000, 7)
                            .await
                            .unwrap();
                        if batch.is_empty() {
                            return got;
                        }
                        got.extend(batch);
                    }
                })
            })
            .collect();
        let mut all = Vec::new();
        for c in claimers {
            all.extend(c.await.unwrap());
        }
        let unique: std::collections::HashSet<&String> = all.iter().collect();
        assert_eq!(all.len(), 500, "every job claimed");
        assert_eq!(unique.len(), 500, "no job claimed twice");
    }

    pub(super) async fn cancelled_jobs_are_gone(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        store.schedule_job(&t, "checkin:U0ANA", 0).await.unwrap();
        store.schedule_job(&t, "checkin:U0BEN", 0).await.unwrap();
        assert_eq!(
            store.claim_jobs(&t, "a", 0, 60_000, 1).await.unwrap().len(),
            1
        );
        store.cancel_job(&t, "checkin:U0ANA").await.unwrap();
        store.cancel_job(&t, "checkin:U0BEN").await.unwrap();
        assert!(store
            .claim_jobs(&t, "b", 1_000, 60_000, 10)
            .await
            .unwrap()
            .is_empty());
    }

    pub(super) async fn failures_are_counted_until_recovered_or_cancelled(store: Arc<dyn Store>) {
        let t = team("T0AAA");
        let failed = |job: &'static str| {
            let (store, t) = (store.clone(), t.clone());
            async move { store.job_failed(&t, job).await.unwrap() }
        };
        assert_eq!(failed("checkin:U0ANA").await, 1);
        assert_eq!(failed("checkin:U0ANA").await, 2);
        assert_eq!(failed("checkin:U0BEN").await, 1, "each job its own count");
        // Finished without clearing (a retry), the count stays; finished
        // as having run, it goes with the lease.
        store.schedule_job(&t, "checkin:U0ANA", 0).await.unwrap();
        store.claim_jobs(&t, "r", 0, 60_000, 10).await.unwrap();
        assert!(store
            .finish_job(&t, "r", "checkin:U0ANA", Some(5), false)
            .await
            .unwrap());
        assert_eq!(failed("checkin:U0ANA").await, 3, "a retry keeps counting");
        store.claim_jobs(&t, "r", 10, 60_000, 10).await.unwrap();
        assert!(store
            .finish_job(&t, "r", "checkin:U0ANA", None, true)
            .await
            .unwrap());
        assert_eq!(failed("checkin:U0ANA").await, 1, "a run starts it again");
        store.cancel_job(&t, "checkin:U0BEN").await.unwrap();
        assert_eq!(failed("checkin:U0BEN").await, 1, "cancelling clears it");
        assert_eq!(
            store
                .job_failed(&team("T0BBB"), "checkin:U0ANA")
                .await
                .unwrap(),
            1,
            "workspaces never share counts"
        );
    }

    pub(super) async fn jobs_are_found_by_a_part_of_their_name_queued_or_leased(
        store: Arc<dyn Store>,
    ) {
        let t = team("T0AAA");
        for (job, due) in [
            ("checkin:U0ANA", 0),
            ("remind:U0ANA:1", 5_000),
            ("checkin:U0BEN", 0),
        ] {
            store.schedule_job(&t, job, due).await.unwrap();
        }
        // One of Ana's jobs is leased (running), the other still queued.
        let claimed = store.claim_jobs(&t, "r1", 1_000, 60_000, 10).await.unwrap();
        assert!(claimed.contains(&"checkin:U0ANA".to_owned()));
        assert_eq!(
            store.jobs_containing(&t, "U0ANA").await.unwrap(),
            ["checkin:U0ANA", "remind:U0ANA:1"]
        );
        assert!(store
            .jobs_containing(&team("T0BBB"), "U0ANA")
            .await
            .unwrap()
            .is_empty());
    }

    pub(super) async fn a_commit_writes_every_document_and_job_or_nothing(store: Arc<dyn Store>) {
        use tandem::store::TeamSwap;
        let t = team("T0AAA");
        store.swap_team_doc(&t, "rounds", None, "h1").await.unwrap();
        let jobs = vec![
            ("intro:2:0".to_owned(), 5_000),
            ("intro:2:1".to_owned(), 5_000),
        ];
        // The history moved on since it was read: nothing is written.
        let stale = [
            TeamSwap {
                name: "rounds",
                expected: None,
                new: "h2",
            },
            TeamSwap {
                name: "round-plan",
                expected: None,
                new: "p2",
            },
        ];
        assert!(!store.commit_team(&t, &stale, &jobs).await.unwrap());
        assert_eq!(store.load_team_doc(&t, "round-plan").await.unwrap(), None);
        assert!(store
            .claim_jobs(&t, "r", 10_000, 60_000, 10)
            .await
            .unwrap()
            .is_empty());
        // As read: both documents and both jobs, together.
        let current = [
            TeamSwap {
                name: "rounds",
                expected: Some("h1"),
                new: "h2",
            },
            TeamSwap {
                name: "round-plan",
                expected: None,
                new: "p2",
            },
        ];
        assert!(store.commit_team(&t, &current, &jobs).await.unwrap());
        assert_eq!(
            store.load_team_doc(&t, "rounds").await.unwrap().as_deref(),
            Some("h2")
        );
        assert_eq!(
            store
                .load_team_doc(&t, "round-plan")
                .await
                .unwrap()
                .as_deref(),
            Some("p2")
        );
        assert!(store
            .claim_jobs(&t, "r", 4_999, 60_000, 10)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            store.claim_jobs(&t, "r", 5_000, 60_000, 10).await.unwrap(),
            ["intro:2:0", "intro:2:1"]
        );
        assert!(
            !store.commit_team(&t, &current, &[]).await.unwrap(),
            "a second commit from the same reading loses"
        );
    }

    macro_rules! both {
        ($($name:ident),*) => {$(
            mod $name {
                use super::*;
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn redis() {
                    super::$name(redis_store(&random_prefix()).await).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn memory() {
                    super::$name(memory_store(&random_prefix())).await;
                }
            }
        )*};
    }

    both!(
        due_jobs_are_claimed_once_and_rescheduled,
        an_expired_lease_returns_the_job_and_its_holder_loses_it,
        leases_are_timed_by_the_store_not_the_callers_clock,
        a_renewed_lease_outlives_its_first_length,
        concurrent_claimers_never_share_a_job,
        cancelled_jobs_are_gone,
        failures_are_counted_until_recovered_or_cancelled,
        jobs_are_found_by_a_part_of_their_name_queued_or_leased,
        a_commit_writes_every_document_and_job_or_nothing
    );
}
