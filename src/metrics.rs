//! Prometheus metrics served on `GET /metrics`.
//!
//! Labels are small closed sets (route names, Slack method names, outcome
//! words), never user input, so cardinality stays bounded.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::Arc;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: &'static str,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SlackCallLabels {
    pub method: &'static str,
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EventLabels {
    pub kind: &'static str,
    pub outcome: &'static str,
}

/// Shared handle to every metric; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    slack_calls: Family<SlackCallLabels, Counter>,
    events: Family<EventLabels, Counter>,
    in_flight: Gauge,
    ticks: Counter,
    program: ProgramGauges,
}

/// The program's health as gauges: counts only, no labels.
#[derive(Clone, Default)]
struct ProgramGauges {
    active: Gauge,
    last_round_pairs: Gauge,
    meeting_rate: Gauge<f64, std::sync::atomic::AtomicU64>,
    answer_rate: Gauge<f64, std::sync::atomic::AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tandem");
        let requests = Family::<RequestLabels, Counter>::default();
        let slack_calls = Family::<SlackCallLabels, Counter>::default();
        let events = Family::<EventLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests received from Slack, by route and outcome",
            requests.clone(),
        );
        registry.register(
            "slack_api_calls",
            "Calls made to Slack, by method and result",
            slack_calls.clone(),
        );
        registry.register(
            "slack_events",
            "Slack events and interactions handled, by kind and outcome",
            events.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "deliveries_in_flight",
            "Replies and effects being carried out now (shutdown waits for these)",
            in_flight.clone(),
        );
        let ticks = Counter::default();
        registry.register(
            "scheduler_ticks",
            "Scheduler rounds finished (claim due jobs, run them, record them)",
            ticks.clone(),
        );
        let program = ProgramGauges::default();
        registry.register(
            "program_active_members",
            "Members taking part now (joined, not paused)",
            program.active.clone(),
        );
        registry.register(
            "program_last_round_groups",
            "Pairs and trios the last round formed",
            program.last_round_pairs.clone(),
        );
        registry.register(
            "program_last_round_meeting_rate",
            "Percent of the last round's groups that reported meeting (NaN under five groups)",
            program.meeting_rate.clone(),
        );
        registry.register(
            "program_checkin_answer_rate",
            "Percent of the last 30 days' check-ins answered (NaN under five sent)",
            program.answer_rate.clone(),
        );
        Self {
            registry: Arc::new(registry),
            requests,
            slack_calls,
            events,
            in_flight,
            ticks,
            program,
        }
    }

    pub fn request(&self, route: &'static str, outcome: &'static str) {
        self.requests
            .get_or_create(&RequestLabels { route, outcome })
            .inc();
    }

    pub fn slack_call(&self, method: &'static str, result: &'static str) {
        self.slack_calls
            .get_or_create(&SlackCallLabels { method, result })
            .inc();
    }

    pub fn event(&self, kind: &'static str, outcome: &'static str) {
        self.events
            .get_or_create(&EventLabels { kind, outcome })
            .inc();
    }

    /// One scheduler round finished.
    pub fn scheduler_ticked(&self) {
        self.ticks.inc();
    }

    /// Counts a delivery in flight until the returned guard is dropped.
    pub fn delivery_started(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// Sets the program's gauges.
    pub fn set_program(&self, g: &crate::domain::figures::Gauges) {
        let rate = |r: Option<i64>| r.map_or(f64::NAN, |r| r as f64);
        self.program.active.set(g.active_members);
        self.program.last_round_pairs.set(g.last_round_pairs);
        self.program
            .meeting_rate
            .set(rate(g.last_round_meeting_rate));
        self.program.answer_rate.set(rate(g.checkin_answer_rate));
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// One delivery in flight; dropping it (finished, failed or panicked) takes
/// it off the gauge.
pub struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}
