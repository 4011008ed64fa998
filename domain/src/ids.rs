//! Slug identifiers of offices and services, and the national key of a
//! service (R22): one validating constructor each.

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

/// A national service key (R22): the LeiKa/FIM Leistungsschlüssel, 14
/// digits (e.g. `99008001000000`, the Personalausweis), by which portals map
/// their catalogue to an office's services.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Leika(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a LeiKa key: a service key has exactly 14 digits, like 99008001000000")]
pub struct InvalidLeika(pub String);

impl Leika {
    /// The key, spaces around it ignored.
    pub fn parse(raw: &str) -> Result<Self, InvalidLeika> {
        let key = raw.trim();
        if key.len() == 14 && key.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(key.to_owned()))
        } else {
            // Shown back in the error: cut, and without control characters.
            let shown = raw
                .chars()
                .filter(|c| !crate::texts::is_forbidden(*c))
                .take(32)
                .collect();
            Err(InvalidLeika(shown))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Leika {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn r22_a_leika_key_has_exactly_14_digits() {
        assert_eq!(
            Leika::parse(" 99008001000000 ").map(|k| k.to_string()),
            Ok("99008001000000".to_owned())
        );
        for bad in [
            "",
            "9900800100000",
            "990080010000000",
            "99008001OOOOOO",
            "99 008 001 000 000",
            "９９００８００１００００００",
            "-9008001000000",
        ] {
            assert!(Leika::parse(bad).is_err(), "{bad:?}");
        }
        let shown = Leika::parse("12\u{0}34").unwrap_err().to_string();
        assert!(
            !shown.contains('\u{0}') && shown.contains("14 digits"),
            "{shown}"
        );
    }

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
