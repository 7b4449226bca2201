//! A `redis-server` of the test's own, on a free port with AOF on, that
//! the test can stop and start again (the shared one on 6379 is never
//! stopped). Outage tests use it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct OwnRedis {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
    /// Extra `redis-server` arguments (TLS, a password).
    args: Vec<String>,
    /// Whether it speaks TLS on `port` (instead of plain RESP).
    tls: bool,
}

impl OwnRedis {
    /// A free port and an empty data directory; not started yet.
    pub fn new() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("tandem-redis-{port}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            port,
            dir,
            child: None,
            args: Vec::new(),
            tls: false,
        }
    }

    /// Serves TLS only, on `port`, with the certificate and key given (PEM
    /// files), and asks for `password`.
    pub fn with_tls(cert: &std::path::Path, key: &std::path::Path, password: &str) -> Self {
        let mut redis = Self::new();
        let port = redis.port.to_string();
        redis.args = vec![
            "--port".into(),
            "0".into(),
            "--tls-port".into(),
            port,
            "--tls-cert-file".into(),
            cert.display().to_string(),
            "--tls-key-file".into(),
            key.display().to_string(),
            "--tls-auth-clients".into(),
            "no".into(),
            "--requirepass".into(),
            password.into(),
        ];
        redis.tls = true;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Starts it (again, with what its AOF kept) and waits until it answers.
    pub async fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let mut command = Command::new("redis-server");
        if !self.tls {
            command.args(["--port", &self.port.to_string()]);
        }
        let child = command
            .args(&self.args)
            .args(["--bind", "127.0.0.1"])
            .args(["--appendonly", "yes", "--appendfsync", "always"])
            .args(["--save", ""])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "redis-server must be installed to run outage tests (apt-get install redis-server)",
            );
        self.child = Some(child);
        let client = redis::Client::open(self.url()).unwrap();
        for _ in 0..200 {
            if self.tls {
                // Listening is enough: the test's own client checks the rest.
                if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                    .await
                    .is_ok()
                {
                    return;
                }
            } else if let Ok(mut conn) = client.get_multiplexed_async_connection().await {
                if redis::cmd("PING")
                    .query_async::<String>(&mut conn)
                    .await
                    .is_ok()
                {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("own redis-server on port {} did not answer", self.port);
    }

    /// Stops it at once, as a crash would (AOF is fsynced on every write).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
