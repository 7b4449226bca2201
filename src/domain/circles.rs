//! Peer-mentoring circles as stored: one workspace document listing every
//! circle, its channel, its members and the facilitator rotation. Pure: the
//! use cases that create channels and post prompts are in `circle_admin.rs`.

use super::numbered::{Entry, Numbered};
use crate::ids::{ChannelId, UserId};
use serde::{Deserialize, Serialize};

/// Name of the workspace document holding the circles.
pub const CIRCLES_DOC: &str = "circles";

/// Fewest active members a circle keeps going with; below it, a merge is
/// offered.
pub const MIN_MEMBERS: usize = 3;

/// What a weekly prompt asks, in rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Progress,
    Decision,
    Resource,
    Teach,
}

impl PromptKind {
    pub const ROTATION: [PromptKind; 4] = [
        PromptKind::Progress,
        PromptKind::Decision,
        PromptKind::Resource,
        PromptKind::Teach,
    ];

    /// The prompt for the `n`th week (0-based).
    pub fn nth(n: u32) -> Self {
        Self::ROTATION[n as usize % Self::ROTATION.len()]
    }

    pub fn question(self) -> &'static str {
        match self {
            PromptKind::Progress => {
                "Progress on goals: what moved since last time, and what's in the way?"
            }
            PromptKind::Decision => {
                "A decision to reflect on: one call you made recently — what did you weigh, and would you make it again?"
            }
            PromptKind::Resource => {
                "A resource to share: an article, talk, tool or person that helped you lately, and why."
            }
            PromptKind::Teach => {
                "A skill to teach: something you can show the others in five minutes at the next meeting."
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Circle {
    pub id: u32,
    /// The channel's name, without `#`.
    pub name: String,
    /// Slack's channel id.
    pub channel: ChannelId,
    /// Members, in the order they joined the circle.
    pub members: Vec<UserId>,
    /// Who facilitates next, first to last; everyone appears once, so the
    /// rotation reaches every member before anyone repeats.
    pub rotation: Vec<UserId>,
    /// Prompts posted so far.
    pub prompts: u32,
    /// The current facilitator (named by the latest prompt).
    #[serde(default)]
    pub facilitator: Option<UserId>,
    /// Thread of the latest prompt (check-ins go there), if posted.
    #[serde(default)]
    pub thread: Option<String>,
    /// Who replied in the latest prompt's thread.
    #[serde(default)]
    pub answered: Vec<UserId>,
    /// Resources shared with the circle: (from, url, why).
    #[serde(default)]
    pub shelf: Vec<(UserId, String, Option<String>)>,
    /// A bound existing channel (not created by Tandem).
    #[serde(default)]
    pub bound: bool,
    /// Newcomers offered a place here and not yet in: only they may take
    /// one (an offer lapses when they leave, pause or are forgotten).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offered: Vec<UserId>,
}

impl Circle {
    /// A new circle in `channel`; everyone facilitates in the order given.
    pub fn new(channel: ChannelId, members: Vec<UserId>) -> Self {
        Self {
            id: 0,
            name: String::new(),
            channel,
            rotation: members.clone(),
            members,
            prompts: 0,
            facilitator: None,
            thread: None,
            answered: Vec::new(),
            shelf: Vec::new(),
            offered: Vec::new(),
            bound: false,
        }
    }

    /// Advances the rotation: the next facilitator, who then goes to the back.
    pub fn next_facilitator(&mut self) -> Option<UserId> {
        if self.rotation.is_empty() {
            self.rotation = self.members.clone();
        }
        if self.rotation.is_empty() {
            return None;
        }
        let next = self.rotation.remove(0);
        self.rotation.push(next.clone());
        self.facilitator = Some(next.clone());
        Some(next)
    }

    /// The facilitators to come, in order (for the Home tab).
    pub fn upcoming(&self) -> Vec<UserId> {
        self.rotation.clone()
    }

    pub fn add_member(&mut self, user: &UserId) {
        self.offered.retain(|m| m != user);
        if !self.has(user) {
            self.members.push(user.clone());
            // Newcomers facilitate after everyone already waiting.
            self.rotation.push(user.clone());
        }
    }

    /// Keeps a shared link on the circle's shelf. The shelf holds the
    /// newest [`crate::domain::shelf::MAX_ITEMS`]: the circles document is
    /// read on every Home open, so no member can grow it without bound.
    pub fn add_to_shelf(&mut self, from: &UserId, url: String, why: Option<String>) {
        self.shelf.push((from.clone(), url, why));
        let excess = self
            .shelf
            .len()
            .saturating_sub(crate::domain::shelf::MAX_ITEMS);
        self.shelf.drain(..excess);
    }

    /// Removes `user` everywhere in the circle; whether they were in it.
    pub fn remove_member(&mut self, user: &UserId) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m != user);
        self.rotation.retain(|m| m != user);
        self.answered.retain(|m| m != user);
        self.shelf.retain(|(from, _, _)| from != user);
        self.offered.retain(|m| m != user);
        if self.facilitator.as_ref() == Some(user) {
            self.facilitator = None;
        }
        self.members.len() != before
    }

    pub fn has(&self, user: &UserId) -> bool {
        self.members.contains(user)
    }

    /// Records that `user` was offered a place here.
    pub fn offer(&mut self, user: &UserId) {
        if !self.offered.contains(user) {
            self.offered.push(user.clone());
        }
    }

    /// Whether `user` holds an offer of a place here.
    pub fn was_offered(&self, user: &UserId) -> bool {
        self.offered.contains(user)
    }
}

/// Every circle of a workspace (one versioned JSON document).
pub type CircleBook = Numbered<Circle>;

impl Entry for Circle {
    const FIELD: &'static str = "circles";
    fn number(&self) -> u32 {
        self.id
    }
}

impl CircleBook {
    /// Withdraws every offer of a place made to `user`; whether there was one.
    pub fn withdraw_offers(&mut self, user: &UserId) -> bool {
        let mut withdrew = false;
        for c in &mut self.items {
            if c.was_offered(user) {
                c.offered.retain(|m| m != user);
                withdrew = true;
            }
        }
        withdrew
    }

    pub fn of_member(&self, user: &UserId) -> Option<&Circle> {
        self.items.iter().find(|c| c.has(user))
    }

    pub fn has_member(&self, user: &UserId) -> bool {
        self.of_member(user).is_some()
    }

    /// The circle with the fewest members, if it has fewer than `max`.
    pub fn with_room(&self, max: usize) -> Option<&Circle> {
        self.with_room_where(max, |_| true)
    }

    /// As [`CircleBook::with_room`], among the circles `ok` accepts.
    pub fn with_room_where(&self, max: usize, ok: impl Fn(&Circle) -> bool) -> Option<&Circle> {
        self.items
            .iter()
            .filter(|c| c.members.len() < max && ok(c))
            .min_by_key(|c| (c.members.len(), c.id))
    }

    pub fn by_id(&self, id: u32) -> Option<&Circle> {
        self.items.iter().find(|c| c.id == id)
    }

    pub fn by_id_mut(&mut self, id: u32) -> Option<&mut Circle> {
        self.items.iter_mut().find(|c| c.id == id)
    }

    pub fn by_channel_mut(&mut self, channel: &ChannelId) -> Option<&mut Circle> {
        self.items.iter_mut().find(|c| &c.channel == channel)
    }

    /// Adds a circle and gives it the next id.
    pub fn add(&mut self, mut circle: Circle) -> u32 {
        circle.id = self.next;
        self.next += 1;
        if circle.rotation.is_empty() {
            circle.rotation = circle.members.clone();
        }
        let id = circle.id;
        self.items.push(circle);
        id
    }
}

/// Words for readable channel names, picked by circle id.
const WORDS: [&str; 16] = [
    "maple", "harbor", "comet", "juniper", "lantern", "meadow", "summit", "willow", "ember",
    "orchard", "delta", "aurora", "cedar", "pebble", "tide", "beacon",
];

/// The channel name to try for circle `id` on attempt `attempt` (0-based):
/// `tandem-circle-maple`, then `tandem-circle-maple-2`, … Slack names are
/// lower case, at most 80 characters.
pub fn channel_name(id: u32, attempt: u32) -> String {
    let word = WORDS[(id as usize).saturating_sub(1) % WORDS.len()];
    let lap = (id as usize).saturating_sub(1) / WORDS.len();
    let base = if lap == 0 {
        format!("tandem-circle-{word}")
    } else {
        format!("tandem-circle-{word}-{}", lap + 1)
    };
    match attempt {
        0 => base,
        n => format!("{base}-{}", n + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> UserId {
        UserId::parse(&format!("U0{name}")).unwrap()
    }

    fn circle(members: &[&str]) -> Circle {
        let channel = ChannelId::parse("G0CIRCLE1").unwrap();
        Circle::new(channel, members.iter().map(|m| user(m)).collect())
    }

    fn names(ids: Vec<UserId>) -> Vec<String> {
        ids.iter().map(|u| u.as_str()[2..].to_owned()).collect()
    }

    #[test]
    fn rotation_reaches_everyone_before_anyone_repeats() {
        let mut c = circle(&["A", "B", "C", "D"]);
        let firsts = names((0..4).filter_map(|_| c.next_facilitator()).collect());
        assert_eq!(firsts, ["A", "B", "C", "D"]);
        c.add_member(&user("E"));
        let next = names((0..5).filter_map(|_| c.next_facilitator()).collect());
        assert_eq!(next, ["A", "B", "C", "D", "E"]);
        c.remove_member(&user("B"));
        let after = names((0..4).filter_map(|_| c.next_facilitator()).collect());
        assert_eq!(after, ["A", "C", "D", "E"]);
    }

    #[test]
    fn names_are_readable_and_unique_per_attempt() {
        assert_eq!(channel_name(1, 0), "tandem-circle-maple");
        assert_eq!(channel_name(1, 1), "tandem-circle-maple-2");
        assert_eq!(channel_name(2, 0), "tandem-circle-harbor");
        assert_eq!(channel_name(17, 0), "tandem-circle-maple-2");
        assert_eq!(channel_name(17, 1), "tandem-circle-maple-2-2");
    }

    #[test]
    fn prompts_rotate() {
        assert_eq!(PromptKind::nth(0), PromptKind::Progress);
        assert_eq!(PromptKind::nth(5), PromptKind::Decision);
    }

    #[test]
    fn a_circle_shelf_keeps_the_newest_links_only() {
        let ana = UserId::parse("U0ANA").unwrap();
        let mut c = Circle::new(ChannelId::parse("C0CIRCLE01").unwrap(), vec![ana.clone()]);
        let max = crate::domain::shelf::MAX_ITEMS;
        for i in 0..max + 7 {
            c.add_to_shelf(&ana, format!("https://example.com/{i}"), None);
        }
        assert_eq!(c.shelf.len(), max);
        assert_eq!(c.shelf[0].1, "https://example.com/7", "the oldest went");
        assert_eq!(
            c.shelf[max - 1].1,
            format!("https://example.com/{}", max + 6)
        );
    }
}
