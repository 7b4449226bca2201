//! A member's goals, each with optional steps. Numbers are given once and
//! never reused, so "goal 3" means the same goal in every listing.

use super::numbered::{Entry, Numbered};
use serde::{Deserialize, Serialize};

/// Longest goal or step text, in characters.
pub const MAX_TEXT: usize = 280;
/// Most active goals at once: a few goals get done, many get forgotten.
pub const MAX_ACTIVE: usize = 5;
/// Most steps per goal.
pub const MAX_STEPS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalState {
    Active,
    Done,
    Dropped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub number: u32,
    pub text: String,
    pub steps: Vec<Step>,
    pub state: GoalState,
    /// Shown to partners: in intros, and named in check-in summaries.
    /// Private unless the member shares it.
    #[serde(default)]
    pub shared: bool,
}

/// Everything stored about one member's goals (versioned JSON).
pub type GoalBook = Numbered<Goal>;

impl Entry for Goal {
    const FIELD: &'static str = "goals";
    fn number(&self) -> u32 {
        self.number
    }
}

/// Why a goal change was refused; the text is shown to the member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoalError {
    #[error("A goal needs some words: `/tandem goal add <what you want to achieve>`.")]
    Empty,
    #[error("That is {0} characters; keep goals and steps to {MAX_TEXT} so they fit a check-in.")]
    TooLong(usize),
    #[error("You already have {MAX_ACTIVE} active goals. Finish or drop one first (`/tandem goal done <n>` or `/tandem goal drop <n>`).")]
    TooMany,
    #[error("Goal {0} already has {MAX_STEPS} steps; mark the goal done or start a new one.")]
    TooManySteps(u32),
    #[error("You have no active goal {0}. `/tandem goals` shows their numbers.")]
    NoSuchGoal(u32),
}

fn check_text(text: &str) -> Result<String, GoalError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(GoalError::Empty);
    }
    let len = text.chars().count();
    if len > MAX_TEXT {
        return Err(GoalError::TooLong(len));
    }
    Ok(text.to_owned())
}

impl GoalBook {
    pub fn active(&self) -> impl Iterator<Item = &Goal> {
        self.items.iter().filter(|g| g.state == GoalState::Active)
    }

    fn active_mut(&mut self, number: u32) -> Result<&mut Goal, GoalError> {
        self.items
            .iter_mut()
            .find(|g| g.number == number && g.state == GoalState::Active)
            .ok_or(GoalError::NoSuchGoal(number))
    }

    /// Adds a goal; its number.
    pub fn add(&mut self, text: &str) -> Result<u32, GoalError> {
        let text = check_text(text)?;
        if self.active().count() >= MAX_ACTIVE {
            return Err(GoalError::TooMany);
        }
        let number = self.next;
        self.next += 1;
        self.items.push(Goal {
            number,
            text,
            steps: Vec::new(),
            state: GoalState::Active,
            shared: false,
        });
        Ok(number)
    }

    /// Adds a goal unless an active one says exactly that already (a form
    /// submitted twice); its number either way.
    pub fn add_once(&mut self, text: &str) -> Result<u32, GoalError> {
        let wanted = check_text(text)?;
        let existing = self.active().find(|g| g.text == wanted).map(|g| g.number);
        match existing {
            Some(number) => Ok(number),
            None => self.add(&wanted),
        }
    }

    /// Adds a next step to goal `number` unless it has that step already.
    pub fn add_step_once(&mut self, number: u32, text: &str) -> Result<(), GoalError> {
        let wanted = check_text(text)?;
        if self
            .active_mut(number)?
            .steps
            .iter()
            .any(|s| s.text == wanted)
        {
            return Ok(());
        }
        self.add_step(number, &wanted)
    }

    /// Adds a next step to goal `number`.
    pub fn add_step(&mut self, number: u32, text: &str) -> Result<(), GoalError> {
        let text = check_text(text)?;
        let goal = self.active_mut(number)?;
        if goal.steps.len() >= MAX_STEPS {
            return Err(GoalError::TooManySteps(number));
        }
        goal.steps.push(Step { text });
        Ok(())
    }

    /// Shares goal `number` with partners, or makes it private again.
    pub fn set_shared(&mut self, number: u32, shared: bool) -> Result<(), GoalError> {
        self.active_mut(number)?.shared = shared;
        Ok(())
    }

    /// Active goals the member shares: (number, text).
    pub fn shared(&self) -> Vec<(u32, String)> {
        self.active()
            .filter(|g| g.shared)
            .map(|g| (g.number, g.text.clone()))
            .collect()
    }

    pub fn set_state(&mut self, number: u32, state: GoalState) -> Result<(), GoalError> {
        self.active_mut(number)?.state = state;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_stable_and_never_reused() {
        let mut book = GoalBook::default();
        assert_eq!(book.add("Learn SQL window functions"), Ok(1));
        assert_eq!(book.add("Give a talk"), Ok(2));
        book.set_state(1, GoalState::Dropped).unwrap();
        assert_eq!(book.add("Write a design doc"), Ok(3));
        let numbers: Vec<u32> = book.active().map(|g| g.number).collect();
        assert_eq!(numbers, [2, 3]);
        assert_eq!(
            book.set_state(1, GoalState::Done),
            Err(GoalError::NoSuchGoal(1))
        );
    }

    #[test]
    fn limits_are_explained() {
        let mut book = GoalBook::default();
        assert_eq!(book.add("   "), Err(GoalError::Empty));
        assert_eq!(book.add(&"x".repeat(281)), Err(GoalError::TooLong(281)));
        for i in 0..MAX_ACTIVE {
            book.add(&format!("goal {i}")).unwrap();
        }
        assert_eq!(book.add("one more"), Err(GoalError::TooMany));
        for i in 0..MAX_STEPS {
            book.add_step(1, &format!("step {i}")).unwrap();
        }
        assert_eq!(book.add_step(1, "again"), Err(GoalError::TooManySteps(1)));
    }
}
