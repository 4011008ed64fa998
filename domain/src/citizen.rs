//! The person an appointment is for (R17).

use crate::contact::phone_e164;
use crate::fair::Postcode;
use crate::texts::{PersonName, TextError, has_forbidden};
use email_address::{EmailAddress, Options};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CitizenError {
    /// The value is not repeated: a refused name, address or number is
    /// personal data and may end up in a log.
    #[error("the citizen's name {0}")]
    Name(TextError),
    #[error("give an e-mail address or a phone number to reach the citizen")]
    NoContact,
    #[error("this is not an e-mail address")]
    Email,
    #[error(
        "this is not a phone number: give it with its area code, like 02131 987-0 or +49 2131 9870"
    )]
    Phone,
}

/// The longest e-mail address that can be delivered to (RFC 5321 §4.5.3.1:
/// a path of 256 octets, less the angle brackets).
pub const MAX_EMAIL_BYTES: usize = 254;

/// A citizen with a name and at least one way to reach them; fields
/// trimmed. [`Citizen::new`] is the only way to make one from input (R17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    postcode: Option<Postcode>,
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// R17: an address as RFC 5322 writes one (checked by the `email_address`
/// crate), without a display name or an IP literal, with a dot in the
/// domain, deliverable in length and free of control characters.
pub fn valid_email(e: &str) -> bool {
    let options = Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld();
    e.len() <= MAX_EMAIL_BYTES
        && !has_forbidden(e)
        && EmailAddress::parse_with_options(e, options).is_ok()
}

impl Citizen {
    /// R17: a name ([`PersonName`]) and at least one of e-mail and phone.
    pub fn new(name: &str, email: Option<&str>, phone: Option<&str>) -> Result<Self, CitizenError> {
        let name = PersonName::parse(name).map_err(CitizenError::Name)?;
        // A control character is refused before trimming could drop it.
        let email = match email {
            Some(e) if has_forbidden(e) => return Err(CitizenError::Email),
            other => non_empty(other),
        };
        let phone = match phone {
            Some(p) if has_forbidden(p) => return Err(CitizenError::Phone),
            other => non_empty(other),
        };
        if email.as_deref().is_some_and(|e| !valid_email(e)) {
            return Err(CitizenError::Email);
        }
        // R24: one number however written: stored as E.164.
        let phone = phone
            .map(|p| phone_e164(&p).map_err(|_| CitizenError::Phone))
            .transpose()?;
        if email.is_none() && phone.is_none() {
            return Err(CitizenError::NoContact);
        }
        Ok(Self {
            name: name.into_string(),
            email,
            phone,
            postcode: None,
        })
    }

    /// The postcode the citizen declares (R32), if any.
    pub fn with_postcode(self, postcode: Option<Postcode>) -> Self {
        Self { postcode, ..self }
    }

    /// A citizen as stored with a booking. It was checked by [`Citizen::new`]
    /// when booked, under the rules then in force, and is not checked again:
    /// a rule made stricter later must not make old bookings unreadable.
    pub fn stored(name: String, email: Option<String>, phone: Option<String>) -> Self {
        Self {
            name,
            email,
            phone,
            postcode: None,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
    /// In E.164, e.g. `+4921319870`.
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }
    pub fn postcode(&self) -> Option<&Postcode> {
        self.postcode.as_ref()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn r17_name_and_one_contact_required() {
        assert!(Citizen::new("Erika Mustermann", Some("erika@example.org"), None).is_ok());
        assert_eq!(
            Citizen::new("Erika Mustermann", None, Some("02131 987-0"))
                .map(|c| c.phone().map(str::to_owned)),
            Ok(Some("+4921319870".to_owned()))
        );
        assert_eq!(
            Citizen::new("  ", Some("e@x.de"), None),
            Err(CitizenError::Name(TextError::NothingVisible))
        );
        assert_eq!(
            Citizen::new("\u{200B}\u{200B}", Some("e@x.de"), None),
            Err(CitizenError::Name(TextError::NothingVisible))
        );
        assert_eq!(
            Citizen::new("Eri\u{0}ka", Some("e@x.de"), None),
            Err(CitizenError::Name(TextError::Control))
        );
        assert_eq!(
            Citizen::new("Erika", None, Some(" ")),
            Err(CitizenError::NoContact)
        );
        assert_eq!(
            Citizen::new("Erika", Some("no-at-sign"), None),
            Err(CitizenError::Email)
        );
        assert_eq!(
            Citizen::new("Erika", None, Some("call me")),
            Err(CitizenError::Phone)
        );
    }

    #[test]
    fn r17_email_addresses_are_checked_by_rfc_5322() {
        for good in [
            "erika@example.org",
            " erika.mustermann+termin@mail.example.de ",
            "o'brien@example.ie",
            "jürgen@müller.de",
        ] {
            assert!(Citizen::new("E", Some(good), None).is_ok(), "{good}");
        }
        for bad in [
            "<script>@x.de",
            "a<b>@x.de",
            "Erika <erika@example.org>",
            "erika@localhost",
            "erika@[127.0.0.1]",
            "erika@@example.org",
            "erika@exa mple.org",
            "eri\u{0}ka@example.org",
            "erika@example.org\n",
            "erika@-example.org",
            ".erika@example.org",
            &format!("{}@example.org", "a".repeat(65)),
            &format!("a@{}.de", "b".repeat(250)),
        ] {
            assert_eq!(
                Citizen::new("E", Some(bad), None),
                Err(CitizenError::Email),
                "{bad:?}"
            );
        }
        assert_eq!(
            Citizen::new("E", None, Some("0213\u{0}1 987")),
            Err(CitizenError::Phone)
        );
    }

    #[test]
    fn r17_refusals_do_not_repeat_the_value() {
        let secret = "erika.secret@@example.org";
        let e = Citizen::new("E", Some(secret), None).unwrap_err();
        assert!(!e.to_string().contains("erika.secret"));
        let e = Citizen::new("E", None, Some("0171 secret")).unwrap_err();
        assert!(!e.to_string().contains("secret"));
    }
}
