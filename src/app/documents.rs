//! Reading and changing members' documents: load with defaults, and
//! read → change → compare-and-set, retried when a concurrent edit won.

use super::*;

/// Where a sealed JSON document lives: a member's, or a workspace's.
#[derive(Debug, Clone, Copy)]
enum Slot<'a> {
    Member(&'a UserId, Doc),
    Circles,
}

impl Slot<'_> {
    fn name(self) -> &'static str {
        match self {
            Slot::Member(_, doc) => doc.name(),
            Slot::Circles => circles::CIRCLES_DOC,
        }
    }
}

impl App {
    /// Changes one document; a refusal becomes a reply, a store problem an error.
    /// `reply` turns the change's headline and the new document into the reply.
    pub(super) async fn change<T, E>(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        f: impl Fn(&mut T) -> Result<String, E>,
        reply: impl FnOnce(String, T) -> Reply,
    ) -> Result<(Reply, bool), anyhow::Error>
    where
        T: Serialize + DeserializeOwned + Default,
        E: std::fmt::Display,
    {
        match self.update(team, user, doc, f).await {
            Ok((headline, value)) => Ok((reply(headline, value), true)),
            Err(e) => e.refusal().map(|e| {
                (
                    Reply::Refused {
                        message: e.to_string(),
                    },
                    false,
                )
            }),
        }
    }

    pub(super) async fn change_profile(
        &self,
        team: &TeamId,
        user: &UserId,
        f: impl Fn(&mut Profile) -> Result<String, String>,
    ) -> Result<(Reply, bool), anyhow::Error> {
        self.change(team, user, Doc::Profile, f, |headline, profile| {
            Reply::Profile { headline, profile }
        })
        .await
    }

    pub(super) async fn change_goals(
        &self,
        team: &TeamId,
        user: &UserId,
        f: impl Fn(&mut GoalBook) -> Result<String, goals::GoalError>,
    ) -> Result<(Reply, bool), anyhow::Error> {
        self.change(team, user, Doc::Goals, f, |h, book| Reply::Goals {
            headline: Some(h),
            book,
        })
        .await
    }

    pub(super) async fn change_notes(
        &self,
        team: &TeamId,
        user: &UserId,
        f: impl Fn(&mut NoteBook) -> Result<String, notes::NoteError>,
    ) -> Result<(Reply, bool), anyhow::Error> {
        self.change(team, user, Doc::Notes, f, |h, book| Reply::Notes {
            headline: Some(h),
            book,
        })
        .await
    }

    /// A member's document, or its default when they have none yet.
    pub(super) async fn load<T: DeserializeOwned + Default>(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
    ) -> Result<T, anyhow::Error> {
        self.load_slot(team, Slot::Member(user, doc)).await
    }

    /// Read, change, compare-and-set; retried when a concurrent edit won.
    pub(super) async fn update<T, R, E>(
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

    /// The circles document (sealed like members' documents: circle shelves
    /// hold members' words).
    pub(super) async fn load_circles(&self, team: &TeamId) -> Result<CircleBook, anyhow::Error> {
        self.load_slot(team, Slot::Circles).await
    }

    /// Read, change, compare-and-set the circles document; retried when a
    /// concurrent edit won. An `Err` from `f` changes nothing.
    pub(super) async fn update_circles<R, E>(
        &self,
        team: &TeamId,
        f: impl Fn(&mut CircleBook) -> Result<R, E>,
    ) -> Result<(R, CircleBook), UpdateError<E>> {
        self.update_slot(team, Slot::Circles, f).await
    }

    /// The stored text of a slot, still sealed.
    async fn raw(&self, team: &TeamId, slot: Slot<'_>) -> Result<Option<String>, StoreError> {
        match slot {
            Slot::Member(user, doc) => self.store.load_doc(team, user, doc).await,
            Slot::Circles => self.store.load_team_doc(team, circles::CIRCLES_DOC).await,
        }
    }

    /// Opens and parses a slot's stored text (the default when absent).
    fn decode<T: DeserializeOwned + Default, E>(
        &self,
        slot: Slot<'_>,
        stored: Option<&str>,
    ) -> Result<T, UpdateError<E>> {
        match stored {
            Some(stored) => {
                let json = self.sealer.open(stored)?;
                Ok(serde_json::from_str(&json).map_err(|_| Corrupt(slot.name()))?)
            }
            None => Ok(T::default()),
        }
    }

    /// A slot's document; errors pass up as the store, seal or parse error
    /// they are.
    async fn load_slot<T: DeserializeOwned + Default>(
        &self,
        team: &TeamId,
        slot: Slot<'_>,
    ) -> Result<T, anyhow::Error> {
        let stored = self.raw(team, slot).await?;
        self.decode::<T, std::convert::Infallible>(slot, stored.as_deref())
            .map_err(|e| match e.refusal() {
                Ok(never) => match never {},
                Err(e) => e,
            })
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
        for _ in 0..UPDATE_ATTEMPTS {
            let current = self.raw(team, slot).await?;
            let mut value: T = self.decode(slot, current.as_deref())?;
            let result = f(&mut value).map_err(UpdateError::Refused)?;
            let new = self
                .sealer
                .seal(&serde_json::to_string(&value).expect("documents serialise"));
            let swapped = match slot {
                Slot::Member(user, doc) => {
                    self.store
                        .swap_doc(team, user, doc, current.as_deref(), &new)
                        .await?
                }
                Slot::Circles => {
                    self.store
                        .swap_team_doc(team, circles::CIRCLES_DOC, current.as_deref(), &new)
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

    /// Home tab refreshes for `members` (those whose data loads).
    pub(super) async fn homes_for(&self, team: &TeamId, members: &[UserId]) -> Vec<Effect> {
        let mut effects = Vec::new();
        for m in members {
            if let Ok(home) = self.home(team, m).await {
                effects.push(Effect::PublishHome {
                    user: m.clone(),
                    home,
                });
            }
        }
        effects
    }

    /// Everything the member's Home tab shows.
    pub async fn home(&self, team: &TeamId, user: &UserId) -> Result<HomeModel, anyhow::Error> {
        Ok(HomeModel {
            profile: self.load(team, user, Doc::Profile).await?,
            goals: self.load(team, user, Doc::Goals).await?,
            notes: self.load(team, user, Doc::Notes).await?,
            shelf: self.load(team, user, Doc::Shelf).await?,
            pairing: self.load(team, user, Doc::Pairing).await?,
            circle: self.circle_home(team, user).await?,
            today: Some(self.now().date_naive()),
        })
    }
}
