//! Operational endpoints served in both modes: liveness, readiness (the store
//! answers and the scheduler is working) and Prometheus metrics.

use crate::app::key_check::KeyGate;
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

#[derive(Clone)]
struct OpsState {
    store: Arc<dyn Store>,
    metrics: Metrics,
    scheduler: SchedulerHealth,
    key: KeyGate,
}

pub fn routes(
    store: Arc<dyn Store>,
    metrics: Metrics,
    scheduler: SchedulerHealth,
    key: KeyGate,
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
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
