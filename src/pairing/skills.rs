//! Skill names as people type them → one canonical form, so "SQL ",
//! "sql" and "postgres queries" all match.

use std::collections::HashMap;

/// Folds case, spacing and synonyms.
#[derive(Debug, Clone, Default)]
pub struct SkillNormaliser {
    synonyms: HashMap<String, String>,
}

/// Lower-cases and collapses every run of white space to one space.
pub fn fold(raw: &str) -> String {
    raw.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl SkillNormaliser {
    /// `synonyms` maps a canonical skill to the other names it goes by.
    pub fn new(synonyms: &HashMap<String, Vec<String>>) -> Self {
        let mut map = HashMap::new();
        for (canonical, others) in synonyms {
            let canonical = fold(canonical);
            for other in others {
                map.insert(fold(other), canonical.clone());
            }
        }
        Self { synonyms: map }
    }

    /// The canonical name of `raw`, or `None` when it is blank.
    pub fn normalise(&self, raw: &str) -> Option<String> {
        let folded = fold(raw);
        if folded.is_empty() {
            return None;
        }
        Some(self.synonyms.get(&folded).cloned().unwrap_or(folded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_spacing_and_synonyms() {
        let mut syn = HashMap::new();
        syn.insert("SQL".to_owned(), vec!["Postgres  Queries".to_owned()]);
        let n = SkillNormaliser::new(&syn);
        assert_eq!(n.normalise("  sQl ").as_deref(), Some("sql"));
        assert_eq!(n.normalise("postgres queries").as_deref(), Some("sql"));
        assert_eq!(
            n.normalise("Public   Speaking").as_deref(),
            Some("public speaking")
        );
        assert_eq!(n.normalise("   "), None);
    }
}
