//! Slug identifiers of offices and services: one validating constructor each.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid id: use 1–64 lowercase letters, digits and hyphens")]
pub struct IdError(pub String);

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, IdError> {
                if is_slug(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(IdError(s.to_owned()))
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_id!(
    /// An office, e.g. `buergerbuero`.
    OfficeId
);
slug_id!(
    /// A service of an office, e.g. `personalausweis`.
    ServiceId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_with_hyphens() {
        assert!(ServiceId::parse("ausweis-abholung").is_ok());
        assert!(ServiceId::parse("Reisepass").is_err());
        assert!(ServiceId::parse("").is_err());
        assert!(ServiceId::parse("-x").is_err());
        assert!(ServiceId::parse("a b").is_err());
        assert!(OfficeId::parse(&"a".repeat(65)).is_err());
    }
}
