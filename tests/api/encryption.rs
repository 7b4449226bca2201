//! With `TANDEM_ENCRYPTION_KEY`, members' text is sealed in Redis; the same
//! key reads it back after a restart, another key (or none, on sealed data)
//! is refused at start-up — also when Redis was down at start-up; values are
//! bound to their place; older data is re-sealed on the first start.

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
    assert!(raw.starts_with("enc:v2:"), "{raw}");
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

fn goals_key(app: &TestApp, user: &str) -> String {
    format!("{}:{{T0TEST}}:user:{user}:goals", app.prefix)
}

async fn goals_reply(app: &TestApp, user: &str) -> String {
    app.say(user, "goals").await.to_string()
}

#[tokio::test]
async fn a_ciphertext_moved_to_another_member_does_not_open() {
    let app = spawn(with_key(Some(KEY), None)).await;
    app.say("U0ANA", "goal add Ana's private goal").await;
    app.say("U0BEN", "goal add Ben's private goal").await;
    // Someone with access to Redis copies Ben's sealed goals over Ana's.
    let bens = app.redis_get(&goals_key(&app, "U0BEN")).await.unwrap();
    let _: () = app
        .redis(redis::cmd("SET").arg(goals_key(&app, "U0ANA")).arg(&bens))
        .await;
    let reply = goals_reply(&app, "U0ANA").await;
    assert!(!reply.contains("Ben's private goal"), "{reply}");
    assert!(reply.contains("Please try again"), "{reply}");
    assert!(goals_reply(&app, "U0BEN")
        .await
        .contains("Ben's private goal"));
}

#[tokio::test]
async fn sealed_data_without_a_key_refuses_to_start() {
    let app = spawn(with_key(Some(KEY), None)).await;
    let prefix = app.prefix.clone();
    app.stop().await.unwrap();
    let err = try_spawn(with_key(None, Some(prefix)))
        .await
        .err()
        .expect("no key must not start on sealed data");
    assert_eq!(
        err.to_string(),
        "Tandem's stored data is encrypted but TANDEM_ENCRYPTION_KEY is not set; start with the key it was written with"
    );
}

#[tokio::test]
async fn the_first_start_with_a_key_seals_what_was_stored_in_the_clear() {
    let app = spawn(with_key(None, None)).await;
    app.say("U0ANA", "goal add Learn SQL").await;
    let prefix = app.prefix.clone();
    app.stop().await.unwrap();

    let app = spawn(with_key(Some(KEY), Some(prefix))).await;
    let raw = app.redis_get(&goals_key(&app, "U0ANA")).await.unwrap();
    assert!(raw.starts_with("enc:v2:"), "{raw}");
    let canary = app
        .redis_get(&format!("{}:meta:encryption-canary", app.prefix))
        .await
        .unwrap();
    assert!(canary.starts_with("enc:v2:"), "{canary}");
    assert!(goals_reply(&app, "U0ANA").await.contains("Learn SQL"));
    // From now on a value in the clear is refused, not believed.
    let _: () = app
        .redis(
            redis::cmd("SET")
                .arg(goals_key(&app, "U0ANA"))
                .arg(r#"{"v":1,"next":2,"goals":[{"number":1,"text":"planted","steps":[],"state":"active"}]}"#),
        )
        .await;
    assert!(!goals_reply(&app, "U0ANA").await.contains("planted"));
}

/// A value as Tandem sealed it before ciphertexts were bound to their place.
fn seal_v1(key: &str, plain: &str) -> String {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
    let b64 = base64::engine::general_purpose::STANDARD;
    let cipher =
        chacha20poly1305::XChaCha20Poly1305::new_from_slice(&b64.decode(key).unwrap()).unwrap();
    let nonce = chacha20poly1305::XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut out = nonce.to_vec();
    out.extend(cipher.encrypt(&nonce, plain.as_bytes()).unwrap());
    format!("enc:v1:{}", b64.encode(out))
}

#[tokio::test]
async fn data_sealed_the_old_way_is_resealed_bound_to_its_place() {
    let prefix = random_prefix();
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let old_goals = seal_v1(
        KEY,
        r#"{"v":1,"next":2,"goals":[{"number":1,"text":"Old goal","steps":[],"state":"active"}]}"#,
    );
    let _: () = redis::cmd("SET")
        .arg(format!("{prefix}:{{T0TEST}}:user:U0ANA:goals"))
        .arg(&old_goals)
        .query_async(&mut conn)
        .await
        .unwrap();
    let _: () = redis::cmd("SET")
        .arg(format!("{prefix}:meta:encryption-canary"))
        .arg(seal_v1(KEY, "tandem encryption canary"))
        .query_async(&mut conn)
        .await
        .unwrap();
    // Another key is refused before anything is touched.
    let err = try_spawn(with_key(Some(OTHER_KEY), Some(prefix.clone())))
        .await
        .err()
        .expect("another key must not start");
    assert!(
        err.to_string()
            .starts_with("TANDEM_ENCRYPTION_KEY does not match"),
        "{err}"
    );

    let app = spawn(with_key(Some(KEY), Some(prefix))).await;
    let raw = app.redis_get(&goals_key(&app, "U0ANA")).await.unwrap();
    assert!(raw.starts_with("enc:v2:"), "{raw}");
    assert!(goals_reply(&app, "U0ANA").await.contains("Old goal"));
    // The old blob, put back, is no longer read.
    let _: () = app
        .redis(
            redis::cmd("SET")
                .arg(goals_key(&app, "U0ANA"))
                .arg(&old_goals),
        )
        .await;
    assert!(!goals_reply(&app, "U0ANA").await.contains("Old goal"));
}

#[tokio::test]
async fn with_redis_down_at_start_the_key_is_checked_when_it_answers() {
    use support::own_redis::OwnRedis;
    let mut redis = OwnRedis::new();
    redis.start().await;
    let url = redis.url();
    let on_own_redis = |key: &str, prefix: Option<String>| Spawn {
        store: StoreChoice::Url(url.clone()),
        ..with_key(Some(key), prefix)
    };
    let first = spawn(on_own_redis(KEY, None)).await;
    first.say("U0ANA", "goal add Learn SQL").await;
    let prefix = first.prefix.clone();
    first.stop().await.unwrap();
    redis.stop();

    // Redis is down: both start, but touch no member's documents.
    let wrong = spawn(on_own_redis(OTHER_KEY, Some(prefix.clone()))).await;
    let right = spawn(on_own_redis(KEY, Some(prefix))).await;
    for app in [&wrong, &right] {
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 503);
    }
    redis.start().await;
    wait_for_readyz(&right, 200, "ready\n").await;
    assert!(goals_reply(&right, "U0ANA").await.contains("Learn SQL"));
    // The wrong key is found out as soon as Redis answers: it stays closed.
    wait_for_readyz(
        &wrong,
        503,
        "not ready: TANDEM_ENCRYPTION_KEY does not match the key Tandem's stored data was encrypted with; start with the original key\n",
    )
    .await;
    let reply = goals_reply(&wrong, "U0ANA").await;
    assert!(
        !reply.contains("Learn SQL") && reply.contains("try again"),
        "{reply}"
    );
    drop(wrong);
    drop(right);
}

async fn wait_for_readyz(app: &TestApp, status: u16, body: &str) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let response = app.get("/readyz").await;
        let (s, b) = (response.status().as_u16(), response.text().await.unwrap());
        if s == status && b == body {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "readyz still {s} {b:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
