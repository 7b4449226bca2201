//! The Redis connection the store talks through: one server (a reconnecting
//! `ConnectionManager`) or a Redis Cluster (the `redis` crate's cluster
//! client, which follows MOVED and ASK and finds the new master after a
//! failover). Both connect lazily, so Tandem starts while Redis is still
//! coming up (`/readyz` says 503 meanwhile). Every key of a workspace
//! carries its `{team}` hash tag, so scripts, transactions and `MGET`s touch
//! one slot; only scans need to be told where to look.

use redis::aio::{ConnectionLike, ConnectionManager};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
use redis::{Cmd, RedisFuture, RedisResult, Value};
use std::sync::Arc;

#[derive(Clone)]
pub enum Connection {
    Single(ConnectionManager),
    Cluster(Arc<LazyCluster>),
}

/// A cluster connection made on first use (and again after a failed try).
pub struct LazyCluster {
    client: ClusterClient,
    conn: tokio::sync::OnceCell<ClusterConnection>,
}

impl LazyCluster {
    pub fn new(client: ClusterClient) -> Self {
        Self {
            client,
            conn: tokio::sync::OnceCell::new(),
        }
    }

    async fn get(&self) -> RedisResult<ClusterConnection> {
        self.conn
            .get_or_try_init(|| self.client.get_async_connection())
            .await
            .cloned()
    }
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Connection::Single(c) => c.req_packed_command(cmd),
            Connection::Cluster(lazy) => Box::pin(async move {
                let mut conn = lazy.get().await?;
                conn.req_packed_command(cmd).await
            }),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Connection::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Connection::Cluster(lazy) => Box::pin(async move {
                let mut conn = lazy.get().await?;
                conn.req_packed_commands(pipeline, offset, count).await
            }),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Single(c) => c.get_db(),
            Connection::Cluster(_) => 0,
        }
    }
}

/// Where a scan looks.
pub enum ScanAt<'a> {
    /// The server holding this key's slot (a workspace's keys: all one slot).
    SlotOf(&'a str),
    /// Every master.
    Everywhere,
}

impl Connection {
    /// Every key matching `pattern` (a `SCAN` loop, on the right nodes).
    pub async fn scan(&self, pattern: &str, at: ScanAt<'_>) -> RedisResult<Vec<String>> {
        let routes: Vec<Option<RoutingInfo>> = match (self, at) {
            (Connection::Single(_), _) => vec![None],
            (Connection::Cluster(_), ScanAt::SlotOf(key)) => vec![Some(RoutingInfo::SingleNode(
                SingleNodeRoutingInfo::SpecificNode(Route::with_key(key, SlotAddr::Master)),
            ))],
            (Connection::Cluster(lazy), ScanAt::Everywhere) => masters(&mut lazy.get().await?)
                .await?
                .into_iter()
                .map(|(host, port)| {
                    Some(RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress {
                        host,
                        port,
                    }))
                })
                .collect(),
        };
        let mut found = Vec::new();
        for route in routes {
            let mut cursor: u64 = 0;
            loop {
                let mut cmd = redis::cmd("SCAN");
                cmd.arg(cursor)
                    .arg("MATCH")
                    .arg(pattern)
                    .arg("COUNT")
                    .arg(1000);
                let (next, batch): (u64, Vec<String>) = match (self, &route) {
                    (Connection::Cluster(lazy), Some(route)) => {
                        let value = lazy.get().await?.route_command(cmd, route.clone()).await?;
                        redis::from_redis_value(value)?
                    }
                    _ => cmd.query_async(&mut self.clone()).await?,
                };
                found.extend(batch);
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        found.sort();
        found.dedup();
        Ok(found)
    }
}

/// The cluster's masters (host, port), from `CLUSTER NODES`.
async fn masters(conn: &mut ClusterConnection) -> RedisResult<Vec<(String, u16)>> {
    let nodes: String = conn
        .route_command(
            redis::cmd("CLUSTER").arg("NODES").clone(),
            RoutingInfo::SingleNode(SingleNodeRoutingInfo::Random),
        )
        .await
        .and_then(|v| Ok(redis::from_redis_value(v)?))?;
    Ok(parse_masters(&nodes))
}

/// `<id> <ip:port@bus[,hostname]> <flags> …` lines: the masters not failed.
fn parse_masters(nodes: &str) -> Vec<(String, u16)> {
    nodes
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (_, address, flags) = (parts.next()?, parts.next()?, parts.next()?);
            let flags: Vec<&str> = flags.split(',').collect();
            if !flags.contains(&"master") || flags.iter().any(|f| f.starts_with("fail")) {
                return None;
            }
            let (host, port) = address.split('@').next()?.rsplit_once(':')?;
            Some((host.to_owned(), port.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masters_are_read_from_cluster_nodes() {
        let nodes = "\
07c3 127.0.0.1:30004@40004 myself,master - 0 0 1 connected 0-5460
67ed 127.0.0.1:30002@40002 master - 0 1426238316232 2 connected 5461-10922
292f 127.0.0.1:30003@40003,redis-3 master,fail - 0 1426238318243 3 connected 10923-16383
6ec2 127.0.0.1:30005@40005 slave 67ed 0 1426238316232 5 connected
";
        assert_eq!(
            parse_masters(nodes),
            vec![
                ("127.0.0.1".to_owned(), 30004),
                ("127.0.0.1".to_owned(), 30002)
            ]
        );
    }
}
