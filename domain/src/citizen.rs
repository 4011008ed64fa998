//! The person an appointment is for (R17).

use crate::contact::phone_e164;
use crate::fair::Postcode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CitizenError {
    #[error("the citizen's name is required (at most 200 characters)")]
    Name,
    #[error("give an e-mail address or a phone number to reach the citizen")]
    NoContact,
    #[error("`{0}` is not an e-mail address")]
    Email(String),
    #[error("`{0}` is not a phone number")]
    Phone(String),
}

/// A citizen with a name and at least one way to reach them; fields
/// trimmed. [`Citizen::new`] is the only way to make one (R17).
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

impl Citizen {
    /// R17: a name and at least one of e-mail and phone.
    pub fn new(name: &str, email: Option<&str>, phone: Option<&str>) -> Result<Self, CitizenError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err(CitizenError::Name);
        }
        let email = non_empty(email);
        let phone = non_empty(phone);
        if let Some(e) = &email {
            let valid = e.len() <= 254
                && !e.chars().any(|c| c.is_whitespace() || c.is_control())
                && e.split_once('@').is_some_and(|(local, host)| {
                    !local.is_empty() && host.contains('.') && !host.contains('@')
                });
            if !valid {
                return Err(CitizenError::Email(e.clone()));
            }
        }
        // R24: one number however written: stored as E.164.
        let phone = phone
            .map(|p| phone_e164(&p).map_err(|_| CitizenError::Phone(p)))
            .transpose()?;
        if email.is_none() && phone.is_none() {
            return Err(CitizenError::NoContact);
        }
        Ok(Self {
            name: name.to_owned(),
            email,
            phone,
            postcode: None,
        })
    }

    /// The postcode the citizen declares (R32), if any.
    pub fn with_postcode(self, postcode: Option<Postcode>) -> Self {
        Self { postcode, ..self }
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
            Err(CitizenError::Name)
        );
        assert_eq!(
            Citizen::new("Erika", None, Some(" ")),
            Err(CitizenError::NoContact)
        );
        assert!(matches!(
            Citizen::new("Erika", Some("no-at-sign"), None),
            Err(CitizenError::Email(_))
        ));
        assert!(matches!(
            Citizen::new("Erika", None, Some("call me")),
            Err(CitizenError::Phone(_))
        ));
    }
}
