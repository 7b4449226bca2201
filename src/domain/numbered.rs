//! A list whose entries get a number once and keep it for good, so "goal 3"
//! or "note 2" means the same entry in every listing, even after others are
//! removed. Goals, notes, shelf items and circles are each one of these.
//!
//! Stored as `{"v": 1, "next": N, "<field>": [...]}`, where the field name
//! is the entry kind's own (`goals`, `notes`, `items`, `circles`), so the
//! documents written before this type existed read back unchanged.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// An entry of a [`Numbered`] list.
pub trait Entry {
    /// The document field that holds the entries.
    const FIELD: &'static str;
    /// The entry's number (never reused).
    fn number(&self) -> u32;
}

/// Entries numbered from 1, in the order they were added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered<T> {
    /// Document version.
    pub v: u32,
    /// The number the next entry gets.
    pub next: u32,
    pub items: Vec<T>,
}

impl<T> Default for Numbered<T> {
    fn default() -> Self {
        Self {
            v: 1,
            next: 1,
            items: Vec::new(),
        }
    }
}

impl<T: Entry> Numbered<T> {
    /// Adds the entry `make` builds from its new number; that number.
    pub fn push_with(&mut self, make: impl FnOnce(u32) -> T) -> u32 {
        let number = self.next;
        self.next += 1;
        self.items.push(make(number));
        number
    }

    pub fn get(&self, number: u32) -> Option<&T> {
        self.items.iter().find(|e| e.number() == number)
    }

    pub fn get_mut(&mut self, number: u32) -> Option<&mut T> {
        self.items.iter_mut().find(|e| e.number() == number)
    }
}

impl<T: Entry + Serialize> Serialize for Numbered<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("v", &self.v)?;
        map.serialize_entry("next", &self.next)?;
        map.serialize_entry(T::FIELD, &self.items)?;
        map.end()
    }
}

impl<'de, T: Entry + Deserialize<'de>> Deserialize<'de> for Numbered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);

        impl<'de, T: Entry + Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = Numbered<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a numbered list with `v`, `next` and `{}`", T::FIELD)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut v, mut next, mut items) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "v" => v = Some(map.next_value()?),
                        "next" => next = Some(map.next_value()?),
                        k if k == T::FIELD => items = Some(map.next_value()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(Numbered {
                    v: v.ok_or_else(|| de::Error::missing_field("v"))?,
                    next: next.ok_or_else(|| de::Error::missing_field("next"))?,
                    items: items.ok_or_else(|| de::Error::missing_field(T::FIELD))?,
                })
            }
        }

        deserializer.deserialize_map(ListVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    struct Thing {
        number: u32,
    }

    impl Entry for Thing {
        const FIELD: &'static str = "things";
        fn number(&self) -> u32 {
            self.number
        }
    }

    #[test]
    fn numbers_are_never_reused() {
        let mut list = Numbered::<Thing>::default();
        assert_eq!(list.push_with(|number| Thing { number }), 1);
        assert_eq!(list.push_with(|number| Thing { number }), 2);
        list.items.retain(|t| t.number != 2);
        assert_eq!(list.push_with(|number| Thing { number }), 3);
        assert!(list.get(2).is_none());
        assert_eq!(list.get(3), Some(&Thing { number: 3 }));
    }

    #[test]
    fn stored_under_the_entry_kind_s_own_field() {
        let mut list = Numbered::<Thing>::default();
        list.push_with(|number| Thing { number });
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(json, r#"{"v":1,"next":2,"things":[{"number":1}]}"#);
        let back: Numbered<Thing> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, list);
        assert!(serde_json::from_str::<Numbered<Thing>>(r#"{"v":1,"next":2}"#).is_err());
    }
}
