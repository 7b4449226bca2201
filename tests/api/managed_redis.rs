//! Managed Redis as operators have it: TLS (`rediss://`) with a private CA
//! and a password. Certificates are made here with `openssl`; the server is
//! a `redis-server` of the test's own with TLS on.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::own_redis::OwnRedis;
use support::*;

pub const PASSWORD: &str = "s3cret-pass-word";

/// A CA, and a server certificate it signed for 127.0.0.1 and localhost.
/// Returns (ca.pem, server.pem, server.key).
pub fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl must be installed for the TLS tests (apt-get install openssl)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Tandem Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

async fn tls_redis() -> (OwnRedis, PathBuf) {
    let dir = std::env::temp_dir().join(random_prefix());
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, cert, key) = certificates(&dir);
    let mut redis = OwnRedis::with_tls(&cert, &key, PASSWORD);
    redis.start().await;
    (redis, ca)
}

#[tokio::test]
async fn rediss_with_a_password_and_a_private_ca_runs_a_member_journey() {
    let logs = captured_logs();
    let (redis, ca) = tls_redis().await;
    let url = format!("rediss://:{PASSWORD}@127.0.0.1:{}/0", redis.port);
    let app = spawn(Spawn {
        store: StoreChoice::Url(url),
        redis_ca_file: Some(ca),
        ..Spawn::default()
    })
    .await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.say("U0ANA", "join").await;
    let reply = app.say("U0ANA", "goal add Learn SQL over TLS").await;
    assert!(
        reply["text"].as_str().unwrap().starts_with("Added goal 1"),
        "{reply}"
    );
    assert!(app
        .say("U0ANA", "goals")
        .await
        .to_string()
        .contains("Learn SQL over TLS"));
    app.say("U0ANA", "forget").await;
    app.press("U0ANA", "forget_confirm", "gone").await;
    app.settled().await;
    assert!(!app
        .say("U0ANA", "goals")
        .await
        .to_string()
        .contains("Learn SQL"));
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(!text.contains(PASSWORD), "the password reached the logs");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains(PASSWORD));
}

#[tokio::test]
async fn a_wrong_password_or_an_untrusted_certificate_is_one_clear_line() {
    let logs = captured_logs();
    let (redis, ca) = tls_redis().await;
    // The right CA, the wrong password.
    let wrong = spawn(Spawn {
        store: StoreChoice::Url(format!("rediss://:not-it@127.0.0.1:{}/0", redis.port)),
        redis_ca_file: Some(ca),
        ..Spawn::default()
    })
    .await;
    assert_eq!(wrong.get("/readyz").await.status(), 503);
    // The right password, but the server's CA is not trusted.
    let untrusted = spawn(Spawn {
        store: StoreChoice::Url(format!("rediss://:{PASSWORD}@127.0.0.1:{}/0", redis.port)),
        ..Spawn::default()
    })
    .await;
    assert_eq!(untrusted.get("/readyz").await.status(), 503);
    // Nothing there at all.
    let nobody = spawn(Spawn {
        store: StoreChoice::ClosedPort,
        ..Spawn::default()
    })
    .await;
    assert_eq!(nobody.get("/readyz").await.status(), 503);
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        text.contains("Redis refused the user or password in REDIS_URL; Tandem keeps trying"),
        "{text}"
    );
    assert!(
        text.contains("Redis's TLS certificate is not trusted: set REDIS_CA_FILE"),
        "{text}"
    );
    assert!(
        text.contains("Redis does not answer at the host and port in REDIS_URL"),
        "{text}"
    );
    assert!(
        !text.contains(PASSWORD) && !text.contains("not-it"),
        "a password reached the logs"
    );
}

/// The whole store contract over `rediss://` with a password and a
/// private CA: every script and transaction works through TLS.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_store_contract_holds_over_tls_with_a_password() {
    let (redis, ca) = tls_redis().await;
    let url = format!("rediss://:{PASSWORD}@127.0.0.1:{}/0", redis.port);
    let ca = std::fs::read(ca).unwrap();
    crate::store_contract::every_contract(async || {
        let store = tandem::store::RedisStore::connect_lazily_with_ca(
            &url,
            tandem::store::Keys::new(random_prefix()),
            Some(ca.clone()),
        )
        .expect("TLS client");
        std::sync::Arc::new(store) as std::sync::Arc<dyn tandem::store::Store>
    })
    .await;
}
