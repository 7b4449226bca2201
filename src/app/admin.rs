//! Admin use cases: running pairing rounds and sending check-ins, and
//! scrubbing a forgotten member from workspace-wide records.

use super::*;

impl App {
    /// Removes the member from the rounds history and from their partners'
    /// current pairing, before their own keys go.
    pub(super) async fn scrub_mentions(
        &self,
        team: &TeamId,
        user: &UserId,
    ) -> Result<(), anyhow::Error> {
        self.store
            .cancel_job(team, &super::jobs::checkin_job(user))
            .await?;
        self.store
            .cancel_job(team, &super::jobs::pause_end_job(user))
            .await?;
        let current: checkins::Checkin = self.load(team, user, Doc::Checkin).await?;
        self.store
            .cancel_job(team, &super::jobs::reminder_job(user, current.number))
            .await?;
        let mine: rounds::Pairing = self.load(team, user, Doc::Pairing).await?;
        for partner in mine.partners.iter().filter_map(|p| UserId::parse(p).ok()) {
            let _ = self
                .update(team, &partner, Doc::Pairing, |p: &mut rounds::Pairing| {
                    p.partners.retain(|x| x != user.as_str());
                    Ok::<(), std::convert::Infallible>(())
                })
                .await;
        }
        for _ in 0..UPDATE_ATTEMPTS {
            let Some(current) = self.store.load_team_doc(team, rounds::ROUNDS_DOC).await? else {
                return Ok(());
            };
            let mut h = rounds::parse_history(Some(&current))?;
            rounds::scrub(&mut h, user.as_str());
            let new = serde_json::to_string(&h).expect("history serialises");
            if new == current
                || self
                    .store
                    .swap_team_doc(team, rounds::ROUNDS_DOC, Some(&current), &new)
                    .await?
            {
                return Ok(());
            }
        }
        anyhow::bail!("rounds history busy")
    }

    /// Workspace admins and owners, and `program.admins`.
    pub(super) async fn is_admin(&self, user: &UserId) -> bool {
        let listed = self
            .config
            .program
            .admins
            .iter()
            .any(|a| a == user.as_str());
        listed
            || self.directory.is_admin(user).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not check admin status");
                false
            })
    }

    pub(super) fn not_admin() -> (Reply, Vec<Effect>) {
        (
            Reply::Refused {
                message: "Only program admins can run rounds: workspace admins and owners, and the people listed in `program.admins`.".into(),
            },
            Vec::new(),
        )
    }

    /// `admin checkins`: a check-in DM to every active member now.
    pub(super) async fn admin_checkins(
        &self,
        team: &TeamId,
        user: &UserId,
    ) -> (Reply, Vec<Effect>) {
        if !self.is_admin(user).await {
            return Self::not_admin();
        }
        match self.send_checkins(team).await {
            Ok(effects) => {
                let n = effects
                    .iter()
                    .filter(|e| matches!(e, Effect::CheckinDm { .. }))
                    .count();
                (
                    Reply::Done {
                        message: format!("Sent {n} check-in{} now.", if n == 1 { "" } else { "s" }),
                    },
                    effects,
                )
            }
            Err(e) => {
                tracing::warn!(error = %e, "check-ins not sent: store problem");
                (Reply::StoreDown, Vec::new())
            }
        }
    }

    pub(super) async fn send_checkins(&self, team: &TeamId) -> Result<Vec<Effect>, anyhow::Error> {
        let today = self.now().date_naive();
        let mut effects = Vec::new();
        for member in self.store.members(team).await? {
            let profile: Profile = self.load(team, &member, Doc::Profile).await?;
            if profile.is_active(today) {
                effects.extend(self.checkin_for(team, &member).await?);
            }
        }
        Ok(effects)
    }

    /// Starts a member's next check-in: their active goals and current
    /// partners, numbered after the last one. Returns the check-in DM first,
    /// then any nudges the one it replaces calls for.
    pub(super) async fn checkin_for(
        &self,
        team: &TeamId,
        member: &UserId,
    ) -> Result<Vec<Effect>, anyhow::Error> {
        let goals: GoalBook = self.load(team, member, Doc::Goals).await?;
        let notes: NoteBook = self.load(team, member, Doc::Notes).await?;
        let pairing: rounds::Pairing = self.load(team, member, Doc::Pairing).await?;
        let goal_numbers: Vec<u32> = goals.active().map(|g| g.number).collect();
        let partners = pairing.partners.clone();
        let thresholds = nudges::Thresholds {
            stale_checkins: self.config.nudges.stale_checkins,
            fizzle_rounds: self.config.nudges.fizzle_rounds,
        };
        let (carried, checkin) = self
            .update(team, member, Doc::Checkin, |c: &mut checkins::Checkin| {
                let carried = nudges::carry(c, &goal_numbers, &partners, thresholds);
                *c = checkins::Checkin {
                    number: c.number + 1,
                    goals: goal_numbers.clone(),
                    partners: partners.clone(),
                    stale: carried.stale.clone(),
                    missed: carried.missed,
                    ..checkins::Checkin::default()
                };
                Ok::<nudges::Carried, std::convert::Infallible>(carried)
            })
            .await
            .map_err(|_| anyhow::anyhow!("check-in not stored"))?;
        let remind_at = self.now()
            + chrono::Duration::hours(i64::from(self.config.nudges.reminder_after_hours));
        self.store
            .schedule_job(
                team,
                &super::jobs::reminder_job(member, checkin.number),
                remind_at.timestamp_millis(),
            )
            .await?;
        let partner_ids: Vec<UserId> = partners
            .iter()
            .filter_map(|p| UserId::parse(p).ok())
            .collect();
        let mut effects = Vec::new();
        for (goal, count) in &carried.stale_goals {
            if let Some(g) = goals.goals.iter().find(|g| g.number == *goal) {
                effects.push(Effect::Nudge {
                    user: member.clone(),
                    nudge: nudges::Nudge::StaleGoal {
                        goal: *goal,
                        text: g.text.clone(),
                        checkins: *count,
                    },
                });
            }
        }
        if let Some(periods) = carried.fizzle {
            effects.push(Effect::Nudge {
                user: member.clone(),
                nudge: nudges::Nudge::Fizzle {
                    partners: partner_ids.clone(),
                    periods,
                },
            });
        }
        if carried.repair {
            effects.push(Effect::Nudge {
                user: member.clone(),
                nudge: nudges::Nudge::RepairOffer {
                    partners: partner_ids,
                    round: pairing.round,
                },
            });
        }
        effects.insert(
            0,
            Effect::CheckinDm {
                user: member.clone(),
                model: CheckinModel {
                    checkin,
                    goals,
                    notes,
                },
            },
        );
        Ok(effects)
    }

    /// Records a check-in answer and shows the check-in again with it marked;
    /// when both partners have answered everything, each gets the other's
    /// summary (counts only).
    pub(super) async fn answer_checkin(
        &self,
        request: &ActionRequest,
        number: u32,
        record: impl Fn(&mut checkins::Checkin),
    ) -> (Reply, Vec<Effect>) {
        let (team, user) = (&request.team, &request.user);
        let updated = self
            .update(team, user, Doc::Checkin, |c: &mut checkins::Checkin| {
                if c.number != number {
                    return Err(
                        "This check-in has closed; your newest one is in your DMs.".to_owned()
                    );
                }
                record(c);
                Ok(())
            })
            .await;
        let checkin = match updated {
            Ok((_, c)) => c,
            Err(UpdateError::Refused(message)) => return (Reply::Refused { message }, Vec::new()),
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        let (goals, notes) = match (
            self.load::<GoalBook>(team, user, Doc::Goals).await,
            self.load::<NoteBook>(team, user, Doc::Notes).await,
        ) {
            (Ok(g), Ok(n)) => (g, n),
            _ => return (Reply::StoreDown, Vec::new()),
        };
        let mut effects = Vec::new();
        if checkin.complete() && !checkin.summary_sent && checkin.partners.is_empty() {
            // A circle member's check-in goes to the circle's thread: counts,
            // and only the goals they share.
            if let Ok(book) = self.load_circles(team).await {
                if let Some(circle) = book.of_member(user.as_str()) {
                    effects.push(Effect::PostInConversation {
                        conversation: circle.channel.clone(),
                        thread: circle.thread.clone(),
                        text: format!(
                            "<@{user}> checked in — {}.",
                            checkin.summary(&goals.shared())
                        ),
                    });
                    let _ = self
                        .update(team, user, Doc::Checkin, |c: &mut checkins::Checkin| {
                            c.summary_sent = true;
                            Ok::<(), std::convert::Infallible>(())
                        })
                        .await;
                }
            }
        }
        if checkin.complete() && !checkin.summary_sent {
            for partner in checkin
                .partners
                .iter()
                .filter_map(|p| UserId::parse(p).ok())
            {
                let theirs: checkins::Checkin = match self.load(team, &partner, Doc::Checkin).await
                {
                    Ok(c) => c,
                    Err(_) => continue,
                };
                if theirs.complete() && theirs.partners.iter().any(|p| p == user.as_str()) {
                    let their_goals: GoalBook = match self.load(team, &partner, Doc::Goals).await {
                        Ok(g) => g,
                        Err(_) => continue,
                    };
                    effects.push(Effect::PartnerSummary {
                        to: user.clone(),
                        from: partner.clone(),
                        summary: theirs.summary(&their_goals.shared()),
                    });
                    effects.push(Effect::PartnerSummary {
                        to: partner.clone(),
                        from: user.clone(),
                        summary: checkin.summary(&goals.shared()),
                    });
                    for who in [user, &partner] {
                        let _ = self
                            .update(team, who, Doc::Checkin, |c: &mut checkins::Checkin| {
                                c.summary_sent = true;
                                Ok::<(), std::convert::Infallible>(())
                            })
                            .await;
                    }
                }
            }
        }
        (
            Reply::Checkin(CheckinModel {
                checkin,
                goals,
                notes,
            }),
            effects,
        )
    }

    /// `admin round [preview]`: refused politely for non-admins.
    pub(super) async fn admin_round(
        &self,
        team: &TeamId,
        user: &UserId,
        preview: bool,
    ) -> (Reply, Vec<Effect>) {
        if !self.is_admin(user).await {
            return Self::not_admin();
        }
        match self.run_round(team, preview).await {
            Ok(result) => result,
            Err(e) => {
                tracing::warn!(error = %e, "round not run: store problem");
                (Reply::StoreDown, Vec::new())
            }
        }
    }

    pub(super) async fn run_round(
        &self,
        team: &TeamId,
        preview: bool,
    ) -> Result<(Reply, Vec<Effect>), anyhow::Error> {
        let now = self.now();
        let members = self.store.members(team).await?;
        let mut profiles = Vec::with_capacity(members.len());
        for m in members {
            let p: Profile = self.load(team, &m, Doc::Profile).await?;
            profiles.push((m, p));
        }
        // People in a circle meet there; rounds pair everyone else.
        let circles = self.load_circles(team).await?;
        let (roster, not_ready, away) =
            rounds::roster_where(&profiles, now.date_naive(), self.time.zone, |u, p| {
                p.format != profile::Format::Circle && !circles.has_member(u.as_str())
            });
        let stored = self.store.load_team_doc(team, rounds::ROUNDS_DOC).await?;
        let history = rounds::parse_history(stored.as_deref())?;
        let number = history.rounds.len() as u32 + 1;
        let mut scorer = crate::pairing::score::Scorer::new(
            &roster,
            &history,
            crate::pairing::score::Rules::from(&self.config.pairing),
            now,
        );
        // Whoever asked for a new partner after not meeting goes first.
        for (i, person) in roster.people.iter().enumerate() {
            let Ok(member) = UserId::parse(&person.id) else {
                continue;
            };
            let pairing: rounds::Pairing = self.load(team, &member, Doc::Pairing).await?;
            if pairing.repair {
                scorer.give_priority(i);
            }
        }
        let everyone: Vec<usize> = (0..roster.people.len()).collect();
        let plan = crate::pairing::round::plan_round(&scorer, &everyone, number as u64);
        let id = |i: usize| rounds::member_of(&roster, i);
        let groups: Vec<rounds::PlannedGroup> = plan
            .groups
            .iter()
            .map(|g| rounds::PlannedGroup::from_engine(g, &roster))
            .collect();
        let sat_out: Vec<(UserId, String)> = plan
            .sat_out
            .iter()
            .map(|s| (id(s.person), s.reason.clone()))
            .collect();
        let summary = rounds::RoundSummary {
            number,
            preview,
            groups,
            sat_out,
            not_ready,
            away,
        };
        if preview {
            return Ok((Reply::Round(summary), Vec::new()));
        }

        // Record the round first: a failure here sends nothing.
        let ids = |m: &[UserId]| m.iter().map(|u| u.as_str().to_owned()).collect::<Vec<_>>();
        let group_ids: Vec<Vec<String>> = summary.groups.iter().map(|g| ids(&g.members)).collect();
        let sat_ids: Vec<String> = summary
            .sat_out
            .iter()
            .map(|(u, _)| u.as_str().to_owned())
            .collect();
        let mut recorded = false;
        for _ in 0..UPDATE_ATTEMPTS {
            let current = self.store.load_team_doc(team, rounds::ROUNDS_DOC).await?;
            let mut h = rounds::parse_history(current.as_deref())?;
            if h.rounds.len() as u32 + 1 != number {
                anyhow::bail!("another round was run at the same time");
            }
            h.push(group_ids.clone(), sat_ids.clone());
            let new = serde_json::to_string(&h).expect("history serialises");
            if self
                .store
                .swap_team_doc(team, rounds::ROUNDS_DOC, current.as_deref(), &new)
                .await?
            {
                recorded = true;
                break;
            }
        }
        if !recorded {
            anyhow::bail!("round history busy");
        }
        let mut effects = Vec::new();
        for g in &summary.groups {
            for m in &g.members {
                let partners: Vec<String> = g
                    .members
                    .iter()
                    .filter(|p| *p != m)
                    .map(|p| p.as_str().to_owned())
                    .collect();
                let pairing = rounds::Pairing {
                    round: number,
                    partners,
                    cadence: None,
                    repair: false,
                };
                let _ = self
                    .update(team, m, Doc::Pairing, |p: &mut rounds::Pairing| {
                        *p = pairing.clone();
                        Ok::<(), std::convert::Infallible>(())
                    })
                    .await;
            }
            let zones = self.time.zones_of(&g.members, &profiles);
            let mut shared_goals = Vec::new();
            for m in &g.members {
                if let Ok(book) = self.load::<GoalBook>(team, m, Doc::Goals).await {
                    let shared: Vec<String> = book.shared().into_iter().map(|(_, t)| t).collect();
                    if !shared.is_empty() {
                        shared_goals.push((m.clone(), shared));
                    }
                }
            }
            effects.push(Effect::Intro {
                round: number,
                members: g.members.clone(),
                reasons: g.reasons.clone(),
                shared_goals,
                first_meeting: crate::schedule::first_meeting(now, &zones),
            });
            // Each person's own open notes, privately, before they meet.
            for m in &g.members {
                let notes: NoteBook = match self.load(team, m, Doc::Notes).await {
                    Ok(n) => n,
                    Err(_) => continue,
                };
                let open: Vec<String> = notes.open().map(|n| n.text.clone()).collect();
                if !open.is_empty() {
                    effects.push(Effect::Nudge {
                        user: m.clone(),
                        nudge: nudges::Nudge::BeforeMeeting {
                            partners: g.members.iter().filter(|p| *p != m).cloned().collect(),
                            notes: open,
                        },
                    });
                }
            }
        }
        for (user, reason) in &summary.sat_out {
            effects.push(Effect::SitOutDm {
                user: user.clone(),
                reason: reason.clone(),
            });
        }
        effects.extend(self.circle_merge_offers(team).await?);
        tracing::info!(
            round = number,
            groups = summary.groups.len(),
            sat_out = summary.sat_out.len(),
            "round run"
        );
        Ok((Reply::Round(summary), effects))
    }
}
