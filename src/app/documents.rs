//! Reading and changing members' documents: load with defaults, and
//! read → change → compare-and-set, retried when a concurrent edit won.

use super::*;

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
            Err(UpdateError::Refused(e)) => Ok((
                Reply::Refused {
                    message: e.to_string(),
                },
                false,
            )),
            Err(UpdateError::Store(e)) => Err(e.into()),
            Err(UpdateError::Corrupt(e)) => Err(e.into()),
            Err(UpdateError::Sealed(e)) => Err(e.into()),
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
        match self.store.load_doc(team, user, doc).await? {
            Some(stored) => {
                let json = self.sealer.open(&stored)?;
                Ok(serde_json::from_str(&json).map_err(|_| Corrupt(doc.name()))?)
            }
            None => Ok(T::default()),
        }
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
        for _ in 0..UPDATE_ATTEMPTS {
            let current = self.store.load_doc(team, user, doc).await?;
            let mut value: T = match &current {
                Some(stored) => {
                    let json = self.sealer.open(stored)?;
                    serde_json::from_str(&json).map_err(|_| Corrupt(doc.name()))?
                }
                None => T::default(),
            };
            let result = f(&mut value).map_err(UpdateError::Refused)?;
            let new = self
                .sealer
                .seal(&serde_json::to_string(&value).expect("documents serialise"));
            if self
                .store
                .swap_doc(team, user, doc, current.as_deref(), &new)
                .await?
            {
                return Ok((result, value));
            }
            let pause = rand::random_range(1..=5);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
        Err(UpdateError::Store(StoreError::Unavailable(
            "too many concurrent edits".into(),
        )))
    }

    /// The circles document (sealed like members' documents: circle shelves
    /// hold members' words).
    pub(super) async fn load_circles(&self, team: &TeamId) -> Result<CircleBook, anyhow::Error> {
        match self.store.load_team_doc(team, circles::CIRCLES_DOC).await? {
            Some(stored) => {
                let json = self.sealer.open(&stored)?;
                Ok(serde_json::from_str(&json).map_err(|_| Corrupt("circles"))?)
            }
            None => Ok(CircleBook::default()),
        }
    }

    /// Read, change, compare-and-set the circles document; retried when a
    /// concurrent edit won. An `Err` from `f` changes nothing.
    pub(super) async fn update_circles<R, E>(
        &self,
        team: &TeamId,
        f: impl Fn(&mut CircleBook) -> Result<R, E>,
    ) -> Result<(R, CircleBook), UpdateError<E>> {
        for _ in 0..UPDATE_ATTEMPTS {
            let current = self.store.load_team_doc(team, circles::CIRCLES_DOC).await?;
            let mut value: CircleBook = match &current {
                Some(stored) => {
                    let json = self.sealer.open(stored)?;
                    serde_json::from_str(&json).map_err(|_| Corrupt("circles"))?
                }
                None => CircleBook::default(),
            };
            let result = f(&mut value).map_err(UpdateError::Refused)?;
            let new = self
                .sealer
                .seal(&serde_json::to_string(&value).expect("circles serialise"));
            if self
                .store
                .swap_team_doc(team, circles::CIRCLES_DOC, current.as_deref(), &new)
                .await?
            {
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
