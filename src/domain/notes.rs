//! Follow-up notes for the next meeting, private to their author. Numbers
//! are given once and never reused.

use super::numbered::{Entry, Numbered};
use serde::{Deserialize, Serialize};

/// Longest note, in characters.
pub const MAX_TEXT: usize = 500;
/// Most open notes at once.
pub const MAX_OPEN: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub number: u32,
    pub text: String,
    pub done: bool,
}

/// A member's follow-up notes (versioned JSON).
pub type NoteBook = Numbered<Note>;

impl Entry for Note {
    const FIELD: &'static str = "notes";
    fn number(&self) -> u32 {
        self.number
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("A note needs some words: `/tandem note <what to follow up on>`.")]
    Empty,
    #[error("That is {0} characters; keep notes to {MAX_TEXT}.")]
    TooLong(usize),
    #[error("You have {MAX_OPEN} open notes. Tick some off with `/tandem note done <n>` first.")]
    TooMany,
    #[error("You have no open note {0}. `/tandem notes` shows their numbers.")]
    NoSuchNote(u32),
}

impl NoteBook {
    pub fn open(&self) -> impl Iterator<Item = &Note> {
        self.items.iter().filter(|n| !n.done)
    }

    pub fn add(&mut self, text: &str) -> Result<u32, NoteError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(NoteError::Empty);
        }
        let len = text.chars().count();
        if len > MAX_TEXT {
            return Err(NoteError::TooLong(len));
        }
        if self.open().count() >= MAX_OPEN {
            return Err(NoteError::TooMany);
        }
        let number = self.next;
        self.next += 1;
        self.items.push(Note {
            number,
            text: text.to_owned(),
            done: false,
        });
        Ok(number)
    }

    pub fn done(&mut self, number: u32) -> Result<(), NoteError> {
        let note = self
            .items
            .iter_mut()
            .find(|n| n.number == number && !n.done)
            .ok_or(NoteError::NoSuchNote(number))?;
        note.done = true;
        // Done notes are kept only briefly: they have served their purpose.
        let keep_done = 20;
        let done: Vec<u32> = self
            .items
            .iter()
            .filter(|n| n.done)
            .map(|n| n.number)
            .collect();
        if done.len() > keep_done {
            let cutoff = done[done.len() - keep_done];
            self.items.retain(|n| !n.done || n.number >= cutoff);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_list_and_tick_off() {
        let mut book = NoteBook::default();
        assert_eq!(book.add("Ask Ben about the query plan"), Ok(1));
        assert_eq!(book.add("Share the talk outline"), Ok(2));
        book.done(1).unwrap();
        assert_eq!(book.open().map(|n| n.number).collect::<Vec<_>>(), [2]);
        assert_eq!(book.done(1), Err(NoteError::NoSuchNote(1)));
        assert_eq!(book.add(""), Err(NoteError::Empty));
        assert_eq!(book.add(&"y".repeat(501)), Err(NoteError::TooLong(501)));
    }
}
