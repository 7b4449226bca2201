//! Builds the running service from configuration and settings, in a form
//! tests can call (`Application::build` → `port()` → `run_until_stopped`).

use crate::app::key_check::{self, CheckError, KeyGate};
use crate::app::App;
use crate::config::Config;
use crate::crypto::Sealer;
use crate::metrics::Metrics;
use crate::settings::{Settings, Transport};
use crate::slack::client::{build_client, build_reply_client, describe_error, Timeouts};
use crate::slack::socket::SocketMode;
use crate::slack::{http, SlackApi, SlackContext};
use crate::store::{Keys, MemoryStore, RedisStore, Store};
use crate::tasks::AbortOnDrop;
use crate::{ops, settings};
use anyhow::{bail, Context};
use axum::Router;
use std::future::Future;
use std::future::IntoFuture;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tracing::{info, warn};

/// Where to listen. Production binds every interface on the configured port;
/// tests bind loopback port 0.
#[derive(Debug, Clone, Copy)]
pub struct Bind {
    pub host: IpAddr,
    pub port: u16,
}

pub struct Application {
    /// The workspace the scheduler works for (from `auth.test`).
    team: Option<crate::ids::TeamId>,
    listener: TcpListener,
    router: Router,
    ctx: Arc<SlackContext>,
    socket: Option<SocketMode>,
    grace: Duration,
    /// What `/readyz` knows of the scheduler.
    scheduler_health: crate::scheduler::SchedulerHealth,
    /// The key check still waiting for Redis, if it is.
    _key_check: Option<AbortOnDrop<()>>,
}

impl Application {
    /// Connects everything and binds the port; does not serve yet.
    pub async fn build(config: Config, settings: Settings, bind: Bind) -> anyhow::Result<Self> {
        Self::build_with_clock(config, settings, bind, Arc::new(crate::clock::SystemClock)).await
    }

    /// As [`Application::build`], with time read from `clock` (tests move a
    /// manual clock instead of sleeping).
    pub async fn build_with_clock(
        config: Config,
        settings: Settings,
        bind: Bind,
        clock: Arc<dyn crate::clock::Clock>,
    ) -> anyhow::Result<Self> {
        // slack-morphism brings rustls with ring only; installing it
        // explicitly keeps start-up deterministic should another provider
        // ever be linked in. A second call (tests) is a harmless no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();

        let config = Arc::new(config);
        let metrics = Metrics::new();
        let keys = Keys::new(config.store.key_prefix.clone());
        let store = open_store(&settings, keys).await?;

        let timeouts = Timeouts::from_config(&config.slack);
        let client = build_client(&settings.slack_api_url, timeouts)
            .context("could not load the system's TLS root certificates")?;
        let reply_client = build_reply_client(&settings.slack_api_url, timeouts)
            .context("could not load the system's TLS root certificates")?;
        let api = SlackApi::new(
            client.clone(),
            reply_client,
            &settings.bot_token,
            metrics.clone(),
        );
        let team = api.check_token().await?;

        let sealer = match &settings.encryption_key {
            Some(key) => Sealer::from_base64_key(settings::expose(key))?,
            None => {
                warn!(
                    "TANDEM_ENCRYPTION_KEY is not set: members' goals and notes are stored in \
                     the clear. Set a 32-byte base64 key to encrypt them at rest."
                );
                Sealer::clear()
            }
        };
        let key_gate = KeyGate::closed();
        let key_check = start_key_check(store.clone(), sealer.clone(), key_gate.clone()).await?;
        let directory = Arc::new(crate::slack::outbound::SlackWorkspace::new(api.clone()));
        let app = App::new(config.clone(), store.clone(), sealer, directory, clock)
            .with_key_gate(key_gate.clone());
        let program = team
            .clone()
            .map(|team| ops::ProgramSource::new(app.clone(), team));
        let ctx = Arc::new(SlackContext::new(app, api, metrics.clone()));

        let scheduler_health = crate::scheduler::SchedulerHealth::new(
            crate::scheduler::stall_after(&config.scheduler),
        );
        let mut router = ops::routes(
            store.clone(),
            metrics.clone(),
            scheduler_health.clone(),
            key_gate,
            program,
        );
        if let Transport::Http { signing_secret } = &settings.transport {
            router = router.merge(http::routes(
                ctx.clone(),
                signing_secret,
                config.server.max_body_bytes,
            ));
        }

        let addr = SocketAddr::new(bind.host, bind.port);
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("could not listen on {addr} (is another process using the port? set PORT or --port)"))?;

        let socket = match &settings.transport {
            Transport::SocketMode { app_token } => Some(
                SocketMode::start(ctx.clone(), client, app_token)
                    .await
                    .map_err(|e| {
                        anyhow::anyhow!("Socket Mode could not start: {}", describe_error(&e))
                    })?,
            ),
            Transport::Http { .. } => None,
        };
        info!(
            mode = settings.mode_name(),
            store = store.kind(),
            port = listener.local_addr()?.port(),
            "Tandem is running"
        );

        Ok(Self {
            team,
            listener,
            router,
            ctx,
            socket,
            grace: Duration::from_secs(config.server.shutdown_grace_secs),
            scheduler_health,
            _key_check: key_check,
        })
    }

    /// The bound port (useful when binding port 0).
    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// Serves until `shutdown` resolves, then drains: Socket Mode closes,
    /// the HTTP server stops accepting and finishes in-flight requests, and
    /// pending replies get up to the grace period to be delivered.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut server_stop = stop_rx.clone();
        // If this future is dropped (the process is going down hard), the
        // server and scheduler go with it instead of running on detached.
        let mut server = AbortOnDrop(tokio::spawn(
            axum::serve(self.listener, self.router)
                .with_graceful_shutdown(async move {
                    let _ = server_stop.wait_for(|stop| *stop).await;
                })
                .into_future(),
        ));
        let scheduler = match self.team.clone() {
            Some(team) => {
                let scheduler = crate::scheduler::Scheduler::new(self.ctx.clone(), team)
                    .with_health(self.scheduler_health.clone());
                Some(AbortOnDrop(tokio::spawn(scheduler.run(stop_rx.clone()))))
            }
            None => {
                warn!("workspace unknown (auth.test failed): scheduled rounds and check-ins are off until restart");
                None
            }
        };
        shutdown.await;
        info!("shutting down: no new work is taken; finishing what is in flight");
        if let Some(socket) = &self.socket {
            socket.shutdown().await;
        }
        let _ = stop_tx.send(true);
        if let Some(mut scheduler) = scheduler {
            if tokio::time::timeout(self.grace, &mut scheduler.0)
                .await
                .is_err()
            {
                warn!("the scheduler did not stop within the grace period; its leases will expire");
            }
        }
        match tokio::time::timeout(self.grace, &mut server.0).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => warn!(error = %e, "HTTP server stopped with an error"),
            Ok(Err(e)) => warn!(error = %e, "HTTP server task failed"),
            Err(_) => warn!("in-flight requests did not finish within the grace period"),
        }
        self.ctx.tasks.close();
        if tokio::time::timeout(self.grace, self.ctx.tasks.wait())
            .await
            .is_err()
        {
            warn!(
                pending = self.ctx.tasks.len(),
                "some replies were not delivered within the grace period"
            );
        }
        info!("stopped");
        Ok(())
    }
}

/// Checks the encryption key against the store before members' documents
/// are used (opening `gate`). A mismatch refuses to start. When Redis does
/// not answer yet, the service starts with `gate` closed and a task checks
/// again every second: on success it opens, on a mismatch it stays closed
/// (documents refused, `/readyz` 503) and the error is logged.
async fn start_key_check(
    store: Arc<dyn Store>,
    sealer: Sealer,
    gate: KeyGate,
) -> anyhow::Result<Option<AbortOnDrop<()>>> {
    match key_check::check(store.as_ref(), &sealer).await {
        Ok(()) => {
            gate.open();
            Ok(None)
        }
        Err(CheckError::Mismatch(why)) => bail!(why),
        Err(CheckError::StoreDown(e)) => {
            warn!(error = %e, "could not check TANDEM_ENCRYPTION_KEY against the store yet; members' documents wait until it is checked");
            Ok(Some(AbortOnDrop(tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    match key_check::check(store.as_ref(), &sealer).await {
                        Ok(()) => {
                            info!("encryption key checked against the store");
                            gate.open();
                            return;
                        }
                        Err(CheckError::Mismatch(why)) => {
                            tracing::error!("{why}; members' documents stay closed until restarted with the right key");
                            gate.refuse(why);
                            return;
                        }
                        Err(CheckError::StoreDown(_)) => {}
                    }
                }
            }))))
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The store the settings ask for: one Redis (`REDIS_URL`), a Redis Cluster
/// (`REDIS_CLUSTER_URLS`) or, with neither, the in-memory store (said
/// loudly). Redis is connected lazily; a first PING that fails is one log
/// line, not an error (Redis may come up after us).
pub async fn open_store(settings: &Settings, keys: Keys) -> anyhow::Result<Arc<dyn Store>> {
    let ca = match &settings.redis_ca_file {
        Some(path) => Some(
            std::fs::read(path)
                .with_context(|| format!("REDIS_CA_FILE {} could not be read", path.display()))?,
        ),
        None => None,
    };
    let redis = match (&settings.redis_url, &settings.redis_cluster_urls) {
        (Some(url), _) => Some(
            RedisStore::connect_lazily_with_ca(settings::expose(url), keys.clone(), ca)
                .context("REDIS_URL could not be used")?,
        ),
        (None, Some(seeds)) => {
            let seeds: Vec<String> = seeds
                .iter()
                .map(|u| settings::expose(u).to_owned())
                .collect();
            Some(
                RedisStore::cluster_lazily(&seeds, keys.clone(), ca)
                    .context("REDIS_CLUSTER_URLS could not be used")?,
            )
        }
        (None, None) => None,
    };
    Ok(match redis {
        Some(redis) => {
            // Not fatal (Redis may come up after us: /readyz says 503
            // meanwhile), but said plainly now.
            if let Err(why) = redis.first_contact().await {
                warn!("{why}; Tandem keeps trying");
            }
            Arc::new(redis)
        }
        None => {
            warn!(
                "REDIS_URL is not set: using the IN-MEMORY store. NOTHING SURVIVES A RESTART. \
                 Set REDIS_URL=redis://127.0.0.1:6379/0 to keep the program's data."
            );
            Arc::new(MemoryStore::new(keys))
        }
    })
}
