//! A Redis Cluster of the test's own: three `redis-server --cluster-enabled
//! yes` on free ports below 55000 (each node's bus port is 10000 above),
//! joined with `redis-cli --cluster create`, every slot served before the
//! test goes on. Stopped, and its files removed, when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct OwnCluster {
    pub ports: Vec<u16>,
    dir: PathBuf,
    children: Vec<Child>,
    tls: Option<ClusterTls>,
}

/// TLS everywhere (clients and the cluster bus), with a password.
#[derive(Clone)]
pub struct ClusterTls {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
    pub password: String,
}

/// A port free now, with its bus port (+10000) free too.
fn free_port_pair() -> u16 {
    loop {
        let port: u16 = 20000 + rand::random::<u16>() % 34000;
        let free = |p: u16| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok();
        if free(port) && free(port + 10000) {
            return port;
        }
    }
}

impl OwnCluster {
    /// Starts three masters and forms the cluster.
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    /// As [`OwnCluster::start`], speaking only TLS and asking for a
    /// password.
    pub async fn start_tls(tls: ClusterTls) -> Self {
        Self::start_with(Some(tls)).await
    }

    async fn start_with(tls: Option<ClusterTls>) -> Self {
        let mut ports: Vec<u16> = Vec::new();
        while ports.len() < 3 {
            let p = free_port_pair();
            if !ports.contains(&p) {
                ports.push(p);
            }
        }
        let dir = std::env::temp_dir().join(format!(
            "tandem-cluster-{}-{}",
            ports[0],
            std::process::id()
        ));
        let mut cluster = Self {
            ports: ports.clone(),
            dir: dir.clone(),
            children: Vec::new(),
            tls: tls.clone(),
        };
        for port in &ports {
            let node_dir = dir.join(port.to_string());
            std::fs::create_dir_all(&node_dir).unwrap();
            let mut command = Command::new("redis-server");
            match &tls {
                None => command.args(["--port", &port.to_string()]),
                Some(t) => command
                    .args(["--port", "0", "--tls-port", &port.to_string()])
                    .args(["--tls-cluster", "yes", "--tls-auth-clients", "no"])
                    .arg("--tls-cert-file")
                    .arg(&t.cert)
                    .arg("--tls-key-file")
                    .arg(&t.key)
                    .arg("--tls-ca-cert-file")
                    .arg(&t.ca)
                    .args(["--requirepass", &t.password, "--masterauth", &t.password]),
            };
            let child = command
                .args(["--bind", "127.0.0.1"])
                .args(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"])
                .args(["--cluster-node-timeout", "2000"])
                .args(["--appendonly", "no", "--save", ""])
                .arg("--dir")
                .arg(&node_dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server must be installed for the cluster tests (apt-get install redis-server)");
            cluster.children.push(child);
        }
        for port in &ports {
            cluster.wait_for(*port, |_| true).await;
        }
        let nodes: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        let mut cli = Command::new("redis-cli");
        if let Some(t) = &tls {
            cli.arg("--tls").arg("--cacert").arg(&t.ca).args([
                "-a",
                &t.password,
                "--no-auth-warning",
            ]);
        }
        let created = cli
            .arg("--cluster")
            .arg("create")
            .args(&nodes)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect(
                "redis-cli must be installed for the cluster tests (apt-get install redis-tools)",
            );
        assert!(created.success(), "redis-cli --cluster create failed");
        for port in &ports {
            cluster
                .wait_for(*port, |info| info.contains("cluster_state:ok"))
                .await;
        }
        cluster
    }

    /// Waits until node `port` answers `CLUSTER INFO` with what `ready`
    /// wants.
    async fn wait_for(&self, port: u16, ready: impl Fn(&str) -> bool) {
        let client = match &self.tls {
            None => redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap(),
            Some(t) => redis::Client::build_with_tls(
                format!("rediss://:{}@127.0.0.1:{port}", t.password),
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(std::fs::read(&t.ca).unwrap()),
                },
            )
            .unwrap(),
        };
        for _ in 0..400 {
            if let Ok(mut conn) = client.get_multiplexed_async_connection().await {
                let info: redis::RedisResult<String> = redis::cmd("CLUSTER")
                    .arg("INFO")
                    .query_async(&mut conn)
                    .await;
                if info.is_ok_and(|i| ready(&i)) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("cluster node {port} never became ready");
    }

    /// The nodes' URLs (`REDIS_CLUSTER_URLS`, joined by commas).
    pub fn seeds(&self) -> Vec<String> {
        self.ports
            .iter()
            .map(|p| match &self.tls {
                None => format!("redis://127.0.0.1:{p}"),
                Some(t) => format!("rediss://:{}@127.0.0.1:{p}", t.password),
            })
            .collect()
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
