//! In-memory implementation of [`Store`] for single-process trials: same
//! contract as Redis, nothing survives a restart.

use super::{Doc, Keys, Store, StoreResult};
use crate::ids::{TeamId, UserId};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct MemoryStore {
    keys: Keys,
    /// Key → expiry instant.
    expiring: Mutex<HashMap<String, Instant>>,
    values: Mutex<HashMap<String, String>>,
    members: Mutex<HashMap<String, std::collections::BTreeSet<String>>>,
}

impl MemoryStore {
    pub fn new(keys: Keys) -> Self {
        Self {
            keys,
            expiring: Mutex::new(HashMap::new()),
            values: Mutex::new(HashMap::new()),
            members: Mutex::new(HashMap::new()),
        }
    }
}

impl MemoryStore {
    fn swap_key(&self, key: String, expected: Option<&str>, new: &str) -> bool {
        let mut map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(&key).map(String::as_str) != expected {
            return false;
        }
        map.insert(key, new.to_owned());
        true
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }

    async fn claim_event(&self, team: &TeamId, event_id: &str, ttl: Duration) -> StoreResult<bool> {
        let key = self.keys.event_seen(team, event_id);
        let now = Instant::now();
        // A poisoned lock only means another task panicked mid-insert; the map
        // itself is still a valid map.
        let mut map = self.expiring.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, expiry| *expiry > now);
        if map.contains_key(&key) {
            return Ok(false);
        }
        map.insert(key, now + ttl);
        Ok(true)
    }

    async fn load_doc(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
    ) -> StoreResult<Option<String>> {
        let map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(&self.keys.doc(team, user, doc)).cloned())
    }

    async fn add_member(&self, team: &TeamId, user: &UserId) -> StoreResult<()> {
        let mut map = self.members.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(self.keys.members(team))
            .or_default()
            .insert(user.as_str().to_owned());
        Ok(())
    }

    async fn members(&self, team: &TeamId) -> StoreResult<Vec<UserId>> {
        let map = self.members.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map
            .get(&self.keys.members(team))
            .map(|set| set.iter().filter_map(|i| UserId::parse(i).ok()).collect())
            .unwrap_or_default())
    }

    async fn load_team_doc(&self, team: &TeamId, name: &str) -> StoreResult<Option<String>> {
        let map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(&self.keys.team_doc(team, name)).cloned())
    }

    async fn swap_team_doc(
        &self,
        team: &TeamId,
        name: &str,
        expected: Option<&str>,
        new: &str,
    ) -> StoreResult<bool> {
        Ok(self.swap_key(self.keys.team_doc(team, name), expected, new))
    }

    async fn swap_doc(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        expected: Option<&str>,
        new: &str,
    ) -> StoreResult<bool> {
        Ok(self.swap_key(self.keys.doc(team, user, doc), expected, new))
    }

    async fn init_meta(&self, name: &str, value: &str) -> StoreResult<String> {
        let mut map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map
            .entry(self.keys.meta(name))
            .or_insert_with(|| value.to_owned())
            .clone())
    }

    async fn erase_member(&self, team: &TeamId, user: &UserId) -> StoreResult<usize> {
        if let Some(set) = self
            .members
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&self.keys.members(team))
        {
            set.remove(user.as_str());
        }
        let prefix = self.keys.member_prefix(team, user);
        let mut map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        let before = map.len();
        map.retain(|k, _| !k.starts_with(&prefix));
        Ok(before - map.len())
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}
