//! Looking into the test Redis directly, to check what was (or was not)
//! stored.

use super::{redis_url, TestApp};

/// A connection to where the app keeps its data: the test Redis, or the
/// app's cluster (commands go to the node holding their key).
enum Peek {
    One(redis::aio::MultiplexedConnection),
    Cluster(redis::cluster_async::ClusterConnection),
}

impl redis::aio::ConnectionLike for Peek {
    fn req_packed_command<'a>(
        &'a mut self,
        cmd: &'a redis::Cmd,
    ) -> redis::RedisFuture<'a, redis::Value> {
        match self {
            Peek::One(c) => c.req_packed_command(cmd),
            Peek::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        match self {
            Peek::One(c) => c.req_packed_commands(pipeline, offset, count),
            Peek::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        0
    }
}

impl TestApp {
    async fn peek(&self) -> Peek {
        match &self.cluster {
            Some(nodes) => Peek::Cluster(
                redis::cluster::ClusterClient::new(nodes.clone())
                    .unwrap()
                    .get_async_connection()
                    .await
                    .unwrap(),
            ),
            None => Peek::One(
                redis::Client::open(redis_url())
                    .unwrap()
                    .get_multiplexed_async_connection()
                    .await
                    .unwrap(),
            ),
        }
    }

    /// The raw Redis value at `key` (a set's members joined by commas).
    pub async fn redis_get(&self, key: &str) -> Option<String> {
        let mut conn = self.peek().await;
        let kind: String = redis::cmd("TYPE")
            .arg(key)
            .query_async(&mut conn)
            .await
            .unwrap();
        match kind.as_str() {
            "set" => {
                let members: Vec<String> = redis::cmd("SMEMBERS")
                    .arg(key)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                Some(members.join(","))
            }
            "zset" => {
                let members: Vec<String> = redis::cmd("ZRANGE")
                    .arg(key)
                    .arg(0)
                    .arg(-1)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                Some(members.join(","))
            }
            "hash" => {
                let fields: Vec<String> = redis::cmd("HGETALL")
                    .arg(key)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                Some(fields.join(","))
            }
            "none" => None,
            _ => redis::cmd("GET")
                .arg(key)
                .query_async(&mut conn)
                .await
                .unwrap(),
        }
    }

    /// Runs a Redis command against the test Redis.
    pub async fn redis<T: redis::FromRedisValue>(&self, cmd: &mut redis::Cmd) -> T {
        let mut conn = self.peek().await;
        cmd.query_async(&mut conn).await.unwrap()
    }

    /// Every Redis key under this app's prefix.
    pub async fn redis_keys(&self) -> Vec<String> {
        // Each node of a cluster holds its own keys: ask every one.
        let servers = self.cluster.clone().unwrap_or_else(|| vec![redis_url()]);
        let mut keys: Vec<String> = Vec::new();
        for server in servers {
            let client = redis::Client::open(server).unwrap();
            let mut conn = client.get_multiplexed_async_connection().await.unwrap();
            let found: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{}:*", self.prefix))
                .query_async(&mut conn)
                .await
                .unwrap();
            keys.extend(found);
        }
        keys.sort();
        keys
    }

    /// Every key under this app's prefix with its value, to compare whole
    /// states (a change of value shows, not only a key coming or going).
    pub async fn redis_snapshot(&self) -> Vec<(String, Option<String>)> {
        let mut snapshot = Vec::new();
        for key in self.redis_keys().await {
            let value = self.redis_get(&key).await;
            snapshot.push((key, value));
        }
        snapshot
    }

    /// Fails if any key under this app's prefix, or any value, contains
    /// one of `needles` (what `forget` must leave nowhere).
    pub async fn assert_nothing_mentions(&self, needles: &[&str]) {
        for (key, value) in self.redis_snapshot().await {
            let value = value.unwrap_or_default();
            for needle in needles {
                assert!(
                    !key.contains(needle) && !value.contains(needle),
                    "{key} mentions {needle}: {value}"
                );
            }
        }
    }
}
