//! The application core every use case works with: configuration, the
//! store and its sealed documents, the port to Slack, the clock and the
//! program's schedules. Cheap to clone; shared by every transport.

use super::documents::Documents;
use super::program_time::ProgramTime;
use super::workspace::Workspace;
use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::Sealer;
use crate::store::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct App {
    pub(super) config: Arc<Config>,
    pub(super) store: Arc<dyn Store>,
    pub(super) docs: Documents,
    pub(super) workspace: Arc<dyn Workspace>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) time: Arc<ProgramTime>,
}

impl App {
    pub fn new(
        config: Arc<Config>,
        store: Arc<dyn Store>,
        sealer: Sealer,
        workspace: Arc<dyn Workspace>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            time: Arc::new(ProgramTime::new(&config)),
            docs: Documents::new(store.clone(), sealer),
            config,
            store,
            workspace,
            clock,
        }
    }

    /// Members' documents are used only while `gate` is open (start-up
    /// checks the encryption key first).
    pub fn with_key_gate(self, gate: super::key_check::KeyGate) -> Self {
        Self {
            docs: self.docs.with_gate(gate),
            ..self
        }
    }

    /// The current time, from the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The program's skill catalog (`skills.toml`): every canonical name,
    /// sorted — what the profile form offers, and the skills program
    /// figures may name.
    pub fn catalog(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .config
            .skills
            .keys()
            .map(|k| crate::pairing::skills::fold(k))
            .collect();
        names.sort();
        names.dedup();
        names
    }
}
