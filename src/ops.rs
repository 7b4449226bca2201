//! Operational endpoints served in both modes: liveness, readiness (the store
//! answers and the scheduler is working) and Prometheus metrics.

use crate::app::key_check::KeyGate;
use crate::app::App;
use crate::ids::TeamId;
use crate::metrics::Metrics;
use crate::scheduler::SchedulerHealth;
use crate::store::Store;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;

/// Readiness must answer quickly even when Redis hangs.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// How long the program's gauges are reused between scrapes: working them
/// out reads every profile (about 0.1 s for 10,000 members), so a scraper
/// polling fast does not keep the store busy.
const GAUGES_FRESH: Duration = Duration::from_secs(5);

/// Where the program's gauges come from: the workspace's figures.
#[derive(Clone)]
pub struct ProgramSource {
    pub app: App,
    pub team: TeamId,
    refreshed: Arc<tokio::sync::Mutex<Option<tokio::time::Instant>>>,
}

impl ProgramSource {
    pub fn new(app: App, team: TeamId) -> Self {
        Self {
            app,
            team,
            refreshed: Arc::default(),
        }
    }

    /// Sets the gauges when they are older than [`GAUGES_FRESH`]; a store
    /// that does not answer in time leaves the last values (logged).
    async fn refresh(&self, metrics: &Metrics) {
        let mut refreshed = self.refreshed.lock().await;
        if refreshed.is_some_and(|at| at.elapsed() < GAUGES_FRESH) {
            return;
        }
        match tokio::time::timeout(READY_TIMEOUT, self.app.program_gauges(&self.team)).await {
            Ok(Ok(gauges)) => {
                metrics.set_program(&gauges);
                *refreshed = Some(tokio::time::Instant::now());
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "program gauges not refreshed"),
            Err(_) => tracing::warn!("program gauges not refreshed: the store timed out"),
        }
    }
}

#[derive(Clone)]
struct OpsState {
    store: Arc<dyn Store>,
    metrics: Metrics,
    scheduler: SchedulerHealth,
    key: KeyGate,
    program: Option<ProgramSource>,
}

pub fn routes(
    store: Arc<dyn Store>,
    metrics: Metrics,
    scheduler: SchedulerHealth,
    key: KeyGate,
    program: Option<ProgramSource>,
) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(OpsState {
            store,
            metrics,
            scheduler,
            key,
            program,
        })
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<OpsState>) -> impl IntoResponse {
    match tokio::time::timeout(READY_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => match state.key.check().and_then(|()| state.scheduler.check()) {
            Ok(()) => (StatusCode::OK, "ready\n".to_owned()),
            Err(why) => {
                tracing::warn!(%why, "not ready");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("not ready: {why}\n"),
                )
            }
        },
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {} store does not answer\n", state.store.kind()),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {} store timed out\n", state.store.kind()),
        ),
    }
}

async fn metrics_text(State(state): State<OpsState>) -> impl IntoResponse {
    if let Some(program) = &state.program {
        program.refresh(&state.metrics).await;
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
