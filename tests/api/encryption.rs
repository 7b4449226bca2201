//! With `TANDEM_ENCRYPTION_KEY`, members' text is sealed in Redis; the same
//! key reads it back after a restart, another key is refused at start-up.

use crate::support;

use support::*;

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const OTHER_KEY: &str = "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=";

fn with_key(key: Option<&str>, prefix: Option<String>) -> Spawn {
    Spawn {
        encryption_key: key.map(str::to_owned),
        prefix,
        ..Spawn::default()
    }
}

#[tokio::test]
async fn text_is_sealed_at_rest_and_read_back_with_the_same_key() {
    let app = spawn(with_key(Some(KEY), None)).await;
    app.command("U0ANA", "goal add Learn SQL window functions", "g")
        .await;
    app.command("U0ANA", "note Ask about the promotion", "n")
        .await;
    app.fake.wait_for("response_url", 2, WAIT).await;

    let goals_key = format!("{}:{{T0TEST}}:user:U0ANA:goals", app.prefix);
    let raw = app.redis_get(&goals_key).await.expect("goals stored");
    assert!(raw.starts_with("enc:v1:"), "{raw}");
    for key in app.redis_keys().await {
        let value = app.redis_get(&key).await.unwrap_or_default();
        for plain in ["SQL", "window", "promotion"] {
            assert!(!value.contains(plain), "{key} holds plaintext: {value}");
        }
    }

    let prefix = app.prefix.clone();
    app.stop().await.unwrap();
    let again = spawn(with_key(Some(KEY), Some(prefix))).await;
    again.command("U0ANA", "goals", "list").await;
    let calls = again.fake.wait_for("response_url", 1, WAIT).await;
    assert_eq!(
        calls[0].body["blocks"][0]["text"]["text"],
        "*1.* Learn SQL window functions"
    );
}

#[tokio::test]
async fn another_key_is_refused_with_a_clear_error() {
    let app = spawn(with_key(Some(KEY), None)).await;
    let prefix = app.prefix.clone();
    app.stop().await.unwrap();
    let err = try_spawn(with_key(Some(OTHER_KEY), Some(prefix)))
        .await
        .err()
        .expect("a different key must not start");
    assert!(
        err.to_string()
            .starts_with("TANDEM_ENCRYPTION_KEY does not match the key"),
        "{err}"
    );
}

#[tokio::test]
async fn without_a_key_text_is_stored_in_the_clear() {
    let app = spawn(with_key(None, None)).await;
    app.command("U0ANA", "goal add Learn SQL", "g").await;
    app.fake.wait_for("response_url", 1, WAIT).await;
    let raw = app
        .redis_get(&format!("{}:{{T0TEST}}:user:U0ANA:goals", app.prefix))
        .await
        .unwrap();
    assert!(raw.contains("Learn SQL"));
}
