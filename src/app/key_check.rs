//! Checking `TANDEM_ENCRYPTION_KEY` against the stored data before any
//! document is read or written, and re-sealing older data on the first start
//! with a key (or with this format).
//!
//! A sealed canary in the store says which key the data was written with
//! (or, unsealed, that it is stored in the clear). Start-up refuses a
//! different key, and no key when the data is sealed. When Redis does not
//! answer at start-up, the service starts with its [`KeyGate`] closed:
//! members' documents are neither read nor written (they are told to try
//! again, `/readyz` says why) until the check has passed — or, on a
//! mismatch, they stay closed and the error is logged.

use super::documents::{place, ROUND_PLAN_DOC, UPDATE_ATTEMPTS};
use crate::crypto::Sealer;
use crate::domain::admin_log::ADMIN_LOG_DOC;
use crate::domain::circles::CIRCLES_DOC;
use crate::store::{DocSlot, Store, StoreError};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

/// The program-wide name of the canary.
const CANARY: &str = "encryption-canary";
const CANARY_TEXT: &str = "tandem encryption canary";
/// Where the canary is, as the sealer binds it.
const CANARY_PLACE: &str = "meta/encryption-canary";
/// The canary of data stored in the clear.
const CLEAR: &str = "clear";
/// Workspace documents that are sealed (the rounds history holds only ids
/// and is not).
const SEALED_TEAM_DOCS: [&str; 3] = [CIRCLES_DOC, ROUND_PLAN_DOC, ADMIN_LOG_DOC];

const MISMATCH: &str = "TANDEM_ENCRYPTION_KEY does not match the key Tandem's stored data was \
                        encrypted with; start with the original key";
const NO_KEY: &str = "Tandem's stored data is encrypted but TANDEM_ENCRYPTION_KEY is not set; \
                      start with the key it was written with";

/// Why the check did not pass.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The key (or its absence) does not fit the stored data: refuse.
    #[error("{0}")]
    Mismatch(&'static str),
    /// The store did not answer: try again.
    #[error(transparent)]
    StoreDown(#[from] StoreError),
}

const CHECKING: u8 = 0;
const OPEN: u8 = 1;
const REFUSED: u8 = 2;

/// Whether members' documents may be read and written yet. Cheap to clone.
#[derive(Clone)]
pub struct KeyGate {
    state: Arc<AtomicU8>,
    why: Arc<Mutex<&'static str>>,
}

impl KeyGate {
    /// Closed until [`KeyGate::open`].
    pub fn closed() -> Self {
        Self {
            state: Arc::new(AtomicU8::new(CHECKING)),
            why: Arc::new(Mutex::new("")),
        }
    }

    /// Open from the start (the check already passed).
    pub fn opened() -> Self {
        let gate = Self::closed();
        gate.open();
        gate
    }

    pub fn open(&self) {
        self.state.store(OPEN, Ordering::SeqCst);
    }

    pub fn refuse(&self, why: &'static str) {
        *self.why.lock().unwrap_or_else(|p| p.into_inner()) = why;
        self.state.store(REFUSED, Ordering::SeqCst);
    }

    /// `Ok` once documents may be used; otherwise why not.
    pub fn check(&self) -> Result<(), String> {
        match self.state.load(Ordering::SeqCst) {
            OPEN => Ok(()),
            CHECKING => Err("the encryption key is not yet checked against the store".into()),
            _ => Err((*self.why.lock().unwrap_or_else(|p| p.into_inner())).to_owned()),
        }
    }

    /// As [`KeyGate::check`], as a store error (members are told to try
    /// again; the detail goes to the logs).
    pub fn pass(&self) -> Result<(), StoreError> {
        self.check().map_err(StoreError::Unavailable)
    }
}

/// Checks the key against the canary; on the first start with a key (or
/// with data from before ciphertexts were bound to their place) re-seals
/// every document first. `Ok`: documents may be used.
pub async fn check(store: &dyn Store, sealer: &Sealer) -> Result<(), CheckError> {
    let canary = store.load_meta(CANARY).await?;
    if !sealer.encrypts() {
        return match canary.as_deref() {
            Some(c) if Sealer::is_sealed(c) => Err(CheckError::Mismatch(NO_KEY)),
            Some(_) => Ok(()),
            None => {
                store.swap_meta(CANARY, None, CLEAR).await?;
                Ok(())
            }
        };
    }
    match canary.as_deref() {
        Some(c) if Sealer::is_current(c) => {
            if sealer.open(c, CANARY_PLACE).as_deref() != Ok(CANARY_TEXT) {
                return Err(CheckError::Mismatch(MISMATCH));
            }
        }
        old => {
            // Sealed the old way: it must be this key's, before anything
            // is re-sealed with it.
            if let Some(c) = old.filter(|c| Sealer::is_sealed(c)) {
                if sealer.open(c, CANARY_PLACE).as_deref() != Ok(CANARY_TEXT) {
                    return Err(CheckError::Mismatch(MISMATCH));
                }
            }
            let count = reseal_all(store, sealer).await?;
            // Last: a start that dies mid-way re-seals again next time.
            let current = sealer.seal(CANARY_TEXT, CANARY_PLACE);
            if !store.swap_meta(CANARY, old, &current).await? {
                return Err(
                    StoreError::Unavailable("the canary changed during start-up".into()).into(),
                );
            }
            tracing::info!(
                documents = count,
                "stored documents sealed with TANDEM_ENCRYPTION_KEY"
            );
        }
    }
    sealer.refuse_legacy();
    Ok(())
}

/// Re-seals every sealed document in the current format (bound to its
/// place). Values already current must open with this key.
async fn reseal_all(store: &dyn Store, sealer: &Sealer) -> Result<usize, CheckError> {
    let mut count = 0;
    for slot in store.document_slots().await? {
        let where_ = match &slot {
            DocSlot::Member { team, user, doc } => place(team, Some(user), doc.name()),
            DocSlot::Team { team, name } if SEALED_TEAM_DOCS.contains(&name.as_str()) => {
                place(team, None, name)
            }
            DocSlot::Team { .. } => continue,
        };
        for attempt in 1..=UPDATE_ATTEMPTS {
            let stored = match &slot {
                DocSlot::Member { team, user, doc } => store.load_doc(team, user, *doc).await?,
                DocSlot::Team { team, name } => store.load_team_doc(team, name).await?,
            };
            let Some(stored) = stored else { break };
            let plain = sealer
                .open(&stored, &where_)
                .map_err(|_| CheckError::Mismatch(MISMATCH))?;
            if Sealer::is_current(&stored) {
                break;
            }
            let sealed = sealer.seal(&plain, &where_);
            let swapped = match &slot {
                DocSlot::Member { team, user, doc } => {
                    store
                        .swap_doc(team, user, *doc, Some(&stored), &sealed)
                        .await?
                }
                DocSlot::Team { team, name } => {
                    store
                        .swap_team_doc(team, name, Some(&stored), &sealed)
                        .await?
                }
            };
            if swapped {
                count += 1;
                break;
            }
            if attempt == UPDATE_ATTEMPTS {
                return Err(StoreError::Unavailable(
                    "documents kept changing during start-up".into(),
                )
                .into());
            }
        }
    }
    Ok(count)
}
