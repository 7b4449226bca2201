//! Tandem on a real Redis Cluster of three masters (started by the test):
//! the whole store contract, a workspace's keys in one slot, and members
//! joining, being paired in a round and forgotten through the running
//! service with `REDIS_CLUSTER_URLS`.

use crate::support;

use std::sync::Arc;
use support::own_cluster::OwnCluster;
use support::*;
use tandem::store::{Keys, RedisStore, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_store_contract_holds_on_a_three_node_cluster() {
    let cluster = OwnCluster::start().await;
    let seeds = cluster.seeds();
    crate::store_contract::every_contract(async || {
        let store = RedisStore::cluster_lazily(&seeds, Keys::new(random_prefix()), None)
            .expect("cluster client");
        Arc::new(store) as Arc<dyn Store>
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_rounds_and_forget_work_on_a_cluster_with_each_workspace_in_one_slot() {
    let cluster = OwnCluster::start().await;
    let app = spawn(Spawn {
        store: StoreChoice::Cluster(cluster.seeds()),
        ..Spawn::default()
    })
    .await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.join_ana_and_ben().await;
    app.say("U0ANA", "goal add Ana's private goal").await;
    app.say("U0ANA", "note ask Ben about window functions")
        .await;
    let round = app.run_round("U0ADMIN1").await;
    assert!(round.to_string().contains("<@U0ANA> + <@U0BEN>"), "{round}");
    let intros = app.fake.posts_with_text("you're paired");
    assert_eq!(intros.len(), 1, "one intro");
    let stats = app.say("U0ADMIN1", "admin stats").await.to_string();
    assert!(stats.contains("*Rounds:* <5 in this period"), "{stats}");

    // Every key of the workspace sits on one node, in one slot.
    let team_keys = app.redis_keys().await;
    assert!(
        team_keys.iter().any(|k| k.contains(":user:U0ANA:")),
        "{team_keys:?}"
    );
    let mut holders = Vec::new();
    for (node, port) in cluster.ports.iter().enumerate() {
        let client = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}:{{T0TEST}}:*", app.prefix))
            .query_async(&mut conn)
            .await
            .unwrap();
        if !keys.is_empty() {
            holders.push(node);
        }
    }
    assert_eq!(holders.len(), 1, "a workspace's keys on one node");

    // Forgetting scans the right node and leaves nothing of Ana.
    app.say("U0ANA", "forget").await;
    app.press("U0ANA", "forget_confirm", "gone").await;
    wait_until_forgotten(&app).await;
    app.assert_nothing_mentions(&["U0ANA", "Ana's private goal", "window functions"])
        .await;
}

async fn wait_until_forgotten(app: &TestApp) {
    for _ in 0..200 {
        if !app.redis_keys().await.iter().any(|k| k.contains("U0ANA")) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("Ana's keys were never erased: {:?}", app.redis_keys().await);
}

/// `rediss://` seeds with a password and a private CA: TLS to every node,
/// and on the cluster bus.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_tls_cluster_with_a_password_carries_a_members_goals_and_a_round() {
    use crate::managed_redis::{certificates, PASSWORD};
    use support::own_cluster::ClusterTls;
    let dir = std::env::temp_dir().join(random_prefix());
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, cert, key) = certificates(&dir);
    let cluster = OwnCluster::start_tls(ClusterTls {
        cert,
        key,
        ca: ca.clone(),
        password: PASSWORD.into(),
    })
    .await;
    let ca_pem = std::fs::read(&ca).unwrap();
    // The contract's scripts over TLS on a cluster.
    let seeds = cluster.seeds();
    crate::store_contract::every_contract(async || {
        let store =
            RedisStore::cluster_lazily(&seeds, Keys::new(random_prefix()), Some(ca_pem.clone()))
                .expect("cluster client");
        Arc::new(store) as Arc<dyn Store>
    })
    .await;
    // And the service on it.
    let app = spawn(Spawn {
        store: StoreChoice::Cluster(cluster.seeds()),
        redis_ca_file: Some(ca),
        ..Spawn::default()
    })
    .await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.join_ana_and_ben().await;
    let reply = app
        .say("U0ANA", "goal add Learn SQL on a TLS cluster")
        .await;
    assert!(
        reply["text"].as_str().unwrap().starts_with("Added goal 1"),
        "{reply}"
    );
    let round = app.say("U0ADMIN1", "admin round").await;
    assert!(round.to_string().contains("<@U0ANA> + <@U0BEN>"), "{round}");
    wait_until("the intro", || {
        !app.fake.posts_with_text("you're paired").is_empty()
    })
    .await;
    let _ = std::fs::remove_dir_all(&dir);
}
