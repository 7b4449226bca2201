//! Reading and changing sealed JSON documents (a member's, or the
//! workspace's circles): load with defaults, and read → change →
//! compare-and-set, retried when a concurrent edit won, so no edit is lost
//! or half-written.

use super::key_check::KeyGate;
use super::model::{Outcome, Reply};
use super::text::Text;
use crate::crypto::{SealError, Sealer};
use crate::domain::admin_log::{AdminLog, ADMIN_LOG_DOC};
use crate::domain::circles::{CircleBook, CIRCLES_DOC};
use crate::domain::round_plan::RoundPlan;
use crate::ids::{TeamId, UserId};
use crate::store::{Doc, Store, StoreError};
use serde::{de::DeserializeOwned, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// How often a document update is retried when another edit won the race;
/// with a short random pause between tries, even a burst of simultaneous
/// edits by one member all land.
pub const UPDATE_ATTEMPTS: usize = 64;

/// A stored document that is not valid JSON of the expected shape (or holds
/// an id that is not a Slack id). Never overwritten silently: the member's
/// data stays as it is.
#[derive(Debug, thiserror::Error)]
#[error("stored {0} document is unreadable")]
pub struct Corrupt(pub &'static str);

/// Why an update did not happen.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError<E> {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Corrupt(#[from] Corrupt),
    #[error(transparent)]
    Sealed(#[from] SealError),
    /// The change itself said no; nothing was written.
    #[error("refused")]
    Refused(E),
}

impl<E> UpdateError<E> {
    /// The refusal, or the failure as an error to pass up.
    pub fn refusal(self) -> Result<E, anyhow::Error> {
        match self {
            UpdateError::Refused(e) => Ok(e),
            UpdateError::Store(e) => Err(e.into()),
            UpdateError::Corrupt(e) => Err(e.into()),
            UpdateError::Sealed(e) => Err(e.into()),
        }
    }
}

impl<E: Into<Text>> UpdateError<E> {
    /// What the member sees when an update did not happen: the refusal in
    /// words, or "can't save right now" (the failure is logged).
    pub fn outcome(self) -> Outcome {
        match self {
            UpdateError::Refused(e) => Outcome::refused(e),
            other => {
                tracing::warn!(error = %other, "not saved: store problem");
                Outcome::store_down()
            }
        }
    }
}

/// A command's change to one document as its outcome: the reply `reply`
/// makes of the change's headline and the new document (and a Home
/// refresh), the refusal in words, or "can't save right now".
pub fn changed<R, T, E: std::fmt::Display>(
    result: Result<(R, T), UpdateError<E>>,
    reply: impl FnOnce(R, T) -> Reply,
) -> Outcome {
    match result {
        Ok((headline, value)) => Outcome::reply(reply(headline, value)).refreshing_home(),
        Err(UpdateError::Refused(e)) => Outcome::refused(e.to_string()),
        Err(e) => {
            tracing::warn!(error = %e, "command not served: store problem");
            Outcome::store_down()
        }
    }
}

/// What goes with a member's document change, atomically.
#[derive(Debug, Clone, Default)]
pub struct Also {
    /// Add the member to the workspace's members set.
    pub join: bool,
    /// Jobs to queue: (name, due ms).
    pub jobs: Vec<(String, i64)>,
}

/// The workspace document holding the round being delivered.
pub const ROUND_PLAN_DOC: &str = "round-plan";

/// Where a sealed JSON document lives: a member's, or a workspace's.
#[derive(Debug, Clone, Copy)]
enum Slot<'a> {
    Member(&'a UserId, Doc),
    Circles,
    RoundPlan,
    AdminLog,
}

/// Where a value is stored, as the sealer binds it (see `crypto`): the
/// workspace, the member (`-` for a workspace's document) and the name.
pub fn place(team: &TeamId, member: Option<&UserId>, name: &str) -> String {
    format!("{team}/{}/{name}", member.map_or("-", |m| m.as_str()))
}

impl Slot<'_> {
    fn place(self, team: &TeamId) -> String {
        match self {
            Slot::Member(user, doc) => place(team, Some(user), doc.name()),
            Slot::Circles | Slot::RoundPlan | Slot::AdminLog => place(team, None, self.name()),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Slot::Member(_, doc) => doc.name(),
            Slot::Circles => CIRCLES_DOC,
            Slot::RoundPlan => ROUND_PLAN_DOC,
            Slot::AdminLog => ADMIN_LOG_DOC,
        }
    }
}

/// Sealed documents in the store.
#[derive(Clone)]
pub struct Documents {
    store: Arc<dyn Store>,
    sealer: Sealer,
    /// Closed until start-up has checked the key against the store.
    gate: KeyGate,
}

impl Documents {
    /// Open for use at once; see [`Documents::with_gate`].
    pub fn new(store: Arc<dyn Store>, sealer: Sealer) -> Self {
        Self {
            store,
            sealer,
            gate: KeyGate::opened(),
        }
    }

    /// Used only while `gate` is open (the key has been checked).
    pub fn with_gate(self, gate: KeyGate) -> Self {
        Self { gate, ..self }
    }

    /// A member's document, or its default when they have none yet.
    pub async fn load<T: DeserializeOwned + Default>(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
    ) -> Result<T, anyhow::Error> {
        self.load_slot(team, Slot::Member(user, doc)).await
    }

    /// Several members' documents of one kind, read in one round trip:
    /// each member's, or its default when they have none. An unreadable
    /// one fails the whole read (it is logged; nothing is guessed).
    pub async fn load_many<T: DeserializeOwned + Default>(
        &self,
        team: &TeamId,
        users: &[UserId],
        doc: Doc,
    ) -> Result<Vec<T>, anyhow::Error> {
        self.gate.pass()?;
        let stored = self.store.load_docs(team, users, doc).await?;
        users
            .iter()
            .zip(stored)
            .map(|(user, stored)| {
                self.decode::<T, std::convert::Infallible>(
                    team,
                    Slot::Member(user, doc),
                    stored.as_deref(),
                )
                .map_err(|e| match e.refusal() {
                    Ok(never) => match never {},
                    Err(e) => e,
                })
            })
            .collect()
    }

    /// Read, change, compare-and-set a member's document; retried when a
    /// concurrent edit won. An `Err` from `f` changes nothing.
    pub async fn update<T, R, E>(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        f: impl Fn(&mut T) -> Result<R, E>,
    ) -> Result<(R, T), UpdateError<E>>
    where
        T: Serialize + DeserializeOwned + Default,
    {
        self.update_slot(team, Slot::Member(user, doc), f).await
    }

    /// As [`Documents::update`], with what `also` asks of the changed
    /// document (the member added to the members set, jobs queued) written
    /// in the same atomic step as the document.
    pub async fn update_also<T, R, E>(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        f: impl Fn(&mut T) -> Result<R, E>,
        also: impl Fn(&T) -> Also,
    ) -> Result<(R, T), UpdateError<E>>
    where
        T: Serialize + DeserializeOwned + Default,
    {
        self.update_slot_also(team, Slot::Member(user, doc), f, |v| Some(also(v)))
            .await
    }

    /// The circles document (sealed like members' documents: circle shelves
    /// hold members' words).
    pub async fn load_circles(&self, team: &TeamId) -> Result<CircleBook, anyhow::Error> {
        self.load_slot(team, Slot::Circles).await
    }

    /// Read, change, compare-and-set the circles document.
    pub async fn update_circles<R, E>(
        &self,
        team: &TeamId,
        f: impl Fn(&mut CircleBook) -> Result<R, E>,
    ) -> Result<(R, CircleBook), UpdateError<E>> {
        self.update_slot(team, Slot::Circles, f).await
    }

    /// The plan of the round being delivered, and its stored (sealed) text
    /// for a compare-and-set in [`Store::commit_team`]. Sealed: its reasons
    /// name members' skills.
    pub async fn load_round_plan(
        &self,
        team: &TeamId,
    ) -> Result<(Option<String>, RoundPlan), anyhow::Error> {
        self.load_slot_stored(team, Slot::RoundPlan).await
    }

    /// Read, change, compare-and-set the round plan.
    pub async fn update_round_plan<R, E>(
        &self,
        team: &TeamId,
        f: impl Fn(&mut RoundPlan) -> Result<R, E>,
    ) -> Result<(R, RoundPlan), UpdateError<E>> {
        self.update_slot(team, Slot::RoundPlan, f).await
    }

    /// The admins' log (sealed: it names people).
    pub async fn load_admin_log(&self, team: &TeamId) -> Result<AdminLog, anyhow::Error> {
        self.load_slot(team, Slot::AdminLog).await
    }

    /// Read, change, compare-and-set the admins' log.
    pub async fn update_admin_log<R, E>(
        &self,
        team: &TeamId,
        f: impl Fn(&mut AdminLog) -> Result<R, E>,
    ) -> Result<(R, AdminLog), UpdateError<E>> {
        self.update_slot(team, Slot::AdminLog, f).await
    }

    /// The round plan as it is stored: JSON, sealed.
    pub fn seal_round_plan(&self, team: &TeamId, plan: &RoundPlan) -> String {
        self.sealer.seal(
            &serde_json::to_string(plan).expect("documents serialise"),
            &Slot::RoundPlan.place(team),
        )
    }

    /// The stored text of a slot, still sealed.
    async fn raw(&self, team: &TeamId, slot: Slot<'_>) -> Result<Option<String>, StoreError> {
        self.gate.pass()?;
        match slot {
            Slot::Member(user, doc) => self.store.load_doc(team, user, doc).await,
            Slot::Circles | Slot::RoundPlan | Slot::AdminLog => {
                self.store.load_team_doc(team, slot.name()).await
            }
        }
    }

    /// Opens and parses a slot's stored text (the default when absent).
    fn decode<T: DeserializeOwned + Default, E>(
        &self,
        team: &TeamId,
        slot: Slot<'_>,
        stored: Option<&str>,
    ) -> Result<T, UpdateError<E>> {
        match stored {
            Some(stored) => {
                let json = self.sealer.open(stored, &slot.place(team))?;
                Ok(serde_json::from_str(&json).map_err(|_| Corrupt(slot.name()))?)
            }
            None => Ok(T::default()),
        }
    }

    async fn load_slot<T: DeserializeOwned + Default>(
        &self,
        team: &TeamId,
        slot: Slot<'_>,
    ) -> Result<T, anyhow::Error> {
        Ok(self.load_slot_stored(team, slot).await?.1)
    }

    /// A slot's value, and its stored (sealed) text for a compare-and-set.
    async fn load_slot_stored<T: DeserializeOwned + Default>(
        &self,
        team: &TeamId,
        slot: Slot<'_>,
    ) -> Result<(Option<String>, T), anyhow::Error> {
        let stored = self.raw(team, slot).await?;
        let value = self
            .decode::<T, std::convert::Infallible>(team, slot, stored.as_deref())
            .map_err(|e| match e.refusal() {
                Ok(never) => match never {},
                Err(e) => e,
            })?;
        Ok((stored, value))
    }

    /// Read, change, compare-and-set a slot; retried (after a short random
    /// pause) when a concurrent edit won, so no edit is lost or half-written.
    async fn update_slot<T, R, E>(
        &self,
        team: &TeamId,
        slot: Slot<'_>,
        f: impl Fn(&mut T) -> Result<R, E>,
    ) -> Result<(R, T), UpdateError<E>>
    where
        T: Serialize + DeserializeOwned + Default,
    {
        self.update_slot_also(team, slot, f, |_| None).await
    }

    /// As [`Documents::update_slot`]; for a member's document, what `also`
    /// asks of the changed value (joining, jobs) is written in the same
    /// atomic step.
    async fn update_slot_also<T, R, E>(
        &self,
        team: &TeamId,
        slot: Slot<'_>,
        f: impl Fn(&mut T) -> Result<R, E>,
        also: impl Fn(&T) -> Option<Also>,
    ) -> Result<(R, T), UpdateError<E>>
    where
        T: Serialize + DeserializeOwned + Default,
    {
        for _ in 0..UPDATE_ATTEMPTS {
            let current = self.raw(team, slot).await?;
            let mut value: T = self.decode(team, slot, current.as_deref())?;
            let result = f(&mut value).map_err(UpdateError::Refused)?;
            let new = self.sealer.seal(
                &serde_json::to_string(&value).expect("documents serialise"),
                &slot.place(team),
            );
            let swapped = match (slot, also(&value)) {
                (Slot::Member(user, doc), None) => {
                    self.store
                        .swap_doc(team, user, doc, current.as_deref(), &new)
                        .await?
                }
                (Slot::Member(user, doc), Some(also)) => {
                    self.store
                        .swap_doc_also(
                            team,
                            user,
                            doc,
                            current.as_deref(),
                            &new,
                            also.join,
                            &also.jobs,
                        )
                        .await?
                }
                (Slot::Circles | Slot::RoundPlan | Slot::AdminLog, _) => {
                    self.store
                        .swap_team_doc(team, slot.name(), current.as_deref(), &new)
                        .await?
                }
            };
            if swapped {
                return Ok((result, value));
            }
            let pause = rand::random_range(1..=5);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
        Err(UpdateError::Store(StoreError::Unavailable(
            "too many concurrent edits".into(),
        )))
    }
}
