//! R39: municipalities. One deployment (a municipal data centre's) serves
//! several towns; each owns its offices, and its admins and staff act only
//! within it. The shipped configuration is one municipality, Kaarst.

use crate::texts::{OfficeName, TextError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A municipality's id: a slug, also the path of its page (`/kaarst/`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityId(String);

/// First path segments the server answers itself: a municipality named so
/// would hide them, or they it. (`api` tests that every route's first
/// segment is here.)
pub const RESERVED_SLUGS: &[&str] = &[
    "api",
    "web",
    "display",
    "termine",
    "wuensche",
    "metrics",
    "health",
    "healthz",
    "readyz",
    "swagger-ui",
    "api-docs",
    "openapi.json",
    "docs",
    "admin",
    "staff",
    "static",
    "assets",
    "well-known",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MunicipalityIdError {
    #[error("`{0}` is not a valid municipality id: use 2–64 lowercase letters, digits and hyphens")]
    Invalid(String),
    #[error("`{0}` is a path of the server itself and cannot name a municipality")]
    Reserved(String),
}

impl MunicipalityId {
    pub fn parse(s: &str) -> Result<Self, MunicipalityIdError> {
        let slug = s.len() >= 2
            && s.len() <= 64
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug {
            return Err(MunicipalityIdError::Invalid(s.to_owned()));
        }
        if RESERVED_SLUGS.contains(&s) {
            return Err(MunicipalityIdError::Reserved(s.to_owned()));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// R39: the municipality today's data belongs to.
    pub fn kaarst() -> Self {
        Self("kaarst".to_owned())
    }
}

impl TryFrom<String> for MunicipalityId {
    type Error = MunicipalityIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MunicipalityId> for String {
    fn from(id: MunicipalityId) -> String {
        id.0
    }
}

impl fmt::Display for MunicipalityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The official municipality key (Amtlicher Gemeindeschlüssel): 8 digits,
/// Kaarst `05162016`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ags(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an AGS: the official municipality key has 8 digits, like 05162016")]
pub struct InvalidAgs(pub String);

impl Ags {
    pub fn parse(s: &str) -> Result<Self, InvalidAgs> {
        if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidAgs(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Ags {
    type Error = InvalidAgs;
    fn try_from(s: String) -> Result<Self, InvalidAgs> {
        Self::parse(&s)
    }
}

impl From<Ags> for String {
    fn from(a: Ags) -> String {
        a.0
    }
}

/// A municipality (R39). The sender and the public URL fall back to the
/// deployment's (`TERMIN_MAIL_FROM`, `TERMIN_PUBLIC_URL`) where not set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub id: MunicipalityId,
    pub name: String,
    pub ags: Ags,
    /// The sender of its messages, `Name <address>` or an address.
    pub mail_from: Option<String>,
    /// Where its citizens' links (manage a booking, the page) point.
    pub public_url: Option<String>,
    /// Impressum (TMG/DDG), Datenschutzerklärung (GDPR Art. 13), and the
    /// Erklärung zur Barrierefreiheit with its feedback contact (BITV 2.0).
    pub imprint_url: Option<String>,
    pub privacy_url: Option<String>,
    pub accessibility_url: Option<String>,
}

/// New values for a municipality; `None` keeps one, `Some(None)` removes an
/// optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MunicipalityChange {
    pub name: Option<String>,
    pub ags: Option<Ags>,
    pub mail_from: Option<Option<String>>,
    pub public_url: Option<Option<String>>,
    pub imprint_url: Option<Option<String>>,
    pub privacy_url: Option<Option<String>>,
    pub accessibility_url: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MunicipalityError {
    #[error("`name` {0}")]
    Name(TextError),
    #[error("`{0}` must be an absolute http(s) URL of at most 500 characters")]
    Url(&'static str),
    #[error("`mail_from` must be an e-mail address, optionally as `Name <address>`")]
    MailFrom,
}

/// An absolute `https://` or `http://` URL with a host, one line, no space.
fn is_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    s.len() <= 500
        && rest.is_some_and(|r| {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
        })
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'))
}

/// `address` or `Name <address>`.
fn is_mailbox(s: &str) -> bool {
    if crate::texts::has_forbidden(s) || s.len() > 300 {
        return false;
    }
    let address = match s.trim().rsplit_once('<') {
        Some((_, rest)) => match rest.strip_suffix('>') {
            Some(a) => a,
            None => return false,
        },
        None => s.trim(),
    };
    address.parse::<email_address::EmailAddress>().is_ok()
}

impl Municipality {
    /// R39: the values a municipality may have.
    pub fn validate(&self) -> Result<(), MunicipalityError> {
        OfficeName::parse(&self.name).map_err(MunicipalityError::Name)?;
        for (field, url) in [
            ("public_url", &self.public_url),
            ("imprint_url", &self.imprint_url),
            ("privacy_url", &self.privacy_url),
            ("accessibility_url", &self.accessibility_url),
        ] {
            if url.as_deref().is_some_and(|u| !is_url(u)) {
                return Err(MunicipalityError::Url(field));
            }
        }
        if self.mail_from.as_deref().is_some_and(|m| !is_mailbox(m)) {
            return Err(MunicipalityError::MailFrom);
        }
        Ok(())
    }

    /// The municipality after `change`, validated; `self` is unchanged.
    pub fn apply(&self, change: &MunicipalityChange) -> Result<Municipality, MunicipalityError> {
        fn keep<T: Clone>(now: &T, new: &Option<T>) -> T {
            new.clone().unwrap_or_else(|| now.clone())
        }
        let next = Municipality {
            id: self.id.clone(),
            name: keep(&self.name, &change.name).trim().to_owned(),
            ags: keep(&self.ags, &change.ags),
            mail_from: keep(&self.mail_from, &change.mail_from),
            public_url: keep(&self.public_url, &change.public_url),
            imprint_url: keep(&self.imprint_url, &change.imprint_url),
            privacy_url: keep(&self.privacy_url, &change.privacy_url),
            accessibility_url: keep(&self.accessibility_url, &change.accessibility_url),
        };
        next.validate()?;
        Ok(next)
    }

    /// R39: the shipped municipality.
    pub fn kaarst() -> Municipality {
        Municipality {
            id: MunicipalityId::kaarst(),
            name: "Stadt Kaarst".to_owned(),
            ags: Ags("05162016".to_owned()),
            mail_from: None,
            public_url: None,
            imprint_url: Some("https://www.kaarst.de/impressum".to_owned()),
            privacy_url: Some("https://www.kaarst.de/datenschutz".to_owned()),
            accessibility_url: Some("https://www.kaarst.de/barrierefreiheit".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r39_ids_are_slugs_that_do_not_hide_the_servers_paths() {
        assert!(MunicipalityId::parse("kaarst").is_ok());
        assert!(MunicipalityId::parse("neuss-2").is_ok());
        for bad in ["", "k", "Kaarst", "-kaarst", "kaarst-", "kä", "a/b", "a b"] {
            assert!(
                matches!(
                    MunicipalityId::parse(bad),
                    Err(MunicipalityIdError::Invalid(_))
                ),
                "{bad}"
            );
        }
        for reserved in ["api", "web", "display", "termine", "metrics"] {
            assert_eq!(
                MunicipalityId::parse(reserved),
                Err(MunicipalityIdError::Reserved(reserved.to_owned()))
            );
        }
    }

    #[test]
    fn r39_the_ags_has_eight_digits() {
        assert!(Ags::parse("05162016").is_ok());
        for bad in ["5162016", "051620160", "0516201a", ""] {
            assert!(Ags::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn r39_links_are_absolute_urls_and_the_sender_a_mailbox() {
        let kaarst = Municipality::kaarst();
        assert_eq!(kaarst.validate(), Ok(()));
        let bad_url = MunicipalityChange {
            imprint_url: Some(Some("javascript:alert(1)".to_owned())),
            ..MunicipalityChange::default()
        };
        assert_eq!(
            kaarst.apply(&bad_url),
            Err(MunicipalityError::Url("imprint_url"))
        );
        for ok in ["termine@kaarst.de", "Bürgerbüro Kaarst <termine@kaarst.de>"] {
            let change = MunicipalityChange {
                mail_from: Some(Some(ok.to_owned())),
                ..MunicipalityChange::default()
            };
            assert!(kaarst.apply(&change).is_ok(), "{ok}");
        }
        for bad in ["kaarst", "A <b>", "x@y.de\r\nBcc: z@q.de"] {
            let change = MunicipalityChange {
                mail_from: Some(Some(bad.to_owned())),
                ..MunicipalityChange::default()
            };
            assert_eq!(
                kaarst.apply(&change),
                Err(MunicipalityError::MailFrom),
                "{bad}"
            );
        }
        let removed = MunicipalityChange {
            imprint_url: Some(None),
            ..MunicipalityChange::default()
        };
        assert_eq!(kaarst.apply(&removed).map(|m| m.imprint_url), Ok(None));
    }
}
