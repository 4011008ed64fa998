//! Staff accounts: roles, what each may do, and valid usernames (R10, R11).

use crate::booking::Channel;
use crate::ids::OfficeId;
use crate::text_enum;
use std::collections::BTreeSet;
use std::fmt;

text_enum! {
    /// What a staff user may do (R11).
    pub enum Role {
        /// R39: everything in every municipality, and the municipalities.
        Operator = "operator",
        /// Everything, including administration, within its municipality
        /// (in every one without).
        Admin = "admin",
        /// The Infotheke: books as channel `desk`.
        Desk = "desk",
        /// The telephone service: books as channel `phone`.
        Phone = "phone",
        /// Handles appointments at the counter: sees and cancels, does not book.
        Clerk = "clerk",
    }
}

impl Role {
    /// R10/R11: the channel a booking by this role is recorded under; an
    /// admin books as the desk does, a clerk does not book.
    pub fn booking_channel(self) -> Option<Channel> {
        match self {
            Role::Desk | Role::Admin | Role::Operator => Some(Channel::Desk),
            Role::Phone => Some(Channel::Phone),
            Role::Clerk => None,
        }
    }
}

/// A staff user's name: 2 to 64 characters of a–z, 0–9, `.`, `_`, `-`
/// (typed in any case; spaces around are ignored), compared and stored in
/// lower case. Nothing else: no control character, and no letter outside
/// ASCII that lower-cases into one (the Kelvin sign K is not a `k`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a username has 2 to 64 characters of a–z, 0–9, `.`, `_`, `-`")]
pub struct InvalidUsernameError;

impl Username {
    pub fn parse(raw: &str) -> Result<Self, InvalidUsernameError> {
        if crate::texts::has_forbidden(raw) {
            return Err(InvalidUsernameError);
        }
        let name = raw.trim();
        let valid = (2..=64).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if valid {
            Ok(Self(name.to_ascii_lowercase()))
        } else {
            Err(InvalidUsernameError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// R29: the offices a staff user acts on. A user created without a list
/// acts on all of them (as every user did before R29); an admin narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OfficeScope {
    #[default]
    All,
    /// Never empty: [`OfficeScope::only`] refuses an empty list.
    Only(BTreeSet<OfficeId>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a staff user needs at least one office (or none named, for all)")]
pub struct NoOfficesError;

impl OfficeScope {
    /// The offices named; an empty list would lock the user out of
    /// everything, which is what disabling is for.
    pub fn only(offices: impl IntoIterator<Item = OfficeId>) -> Result<Self, NoOfficesError> {
        let set: BTreeSet<OfficeId> = offices.into_iter().collect();
        if set.is_empty() {
            Err(NoOfficesError)
        } else {
            Ok(Self::Only(set))
        }
    }

    /// R29, R39: what a user of `role` with these stored offices acts on,
    /// where `municipality` holds the offices of the user's municipality
    /// (`None`: the user has none, and acts across municipalities).
    /// Operators act on every office; admins on every office of their
    /// municipality, whatever is stored for them; other staff on their
    /// stored offices within it. The result may be empty (a municipality
    /// without offices yet).
    pub fn effective(self, role: Role, municipality: Option<&BTreeSet<OfficeId>>) -> Self {
        let stored = match role {
            Role::Operator => return Self::All,
            Role::Admin => Self::All,
            Role::Desk | Role::Phone | Role::Clerk => self,
        };
        match (stored, municipality) {
            (scope, None) => scope,
            (Self::All, Some(own)) => Self::Only(own.clone()),
            (Self::Only(set), Some(own)) => Self::Only(set.intersection(own).cloned().collect()),
        }
    }

    /// R29 (and R18's "their office"): whether this scope covers `office`.
    pub fn covers(&self, office: &OfficeId) -> bool {
        match self {
            Self::All => true,
            Self::Only(set) => set.contains(office),
        }
    }

    /// The offices named, `None` for all.
    pub fn offices(&self) -> Option<&BTreeSet<OfficeId>> {
        match self {
            Self::All => None,
            Self::Only(set) => Some(set),
        }
    }
}

/// A change an admin asks for on an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountChange {
    pub role: Option<Role>,
    pub active: Option<bool>,
}

impl AccountChange {
    /// R11: whether this change, made to an account that has `role` and
    /// `active` now, ends the tokens issued before it. A new password ends
    /// them, and so does any change of the role or of the active flag (a
    /// disable, and also a re-enable: a token from before the disable must
    /// not come back to life). A change to the values the account already
    /// has ends nothing.
    pub fn ends_tokens(&self, role: Role, active: bool, new_password: bool) -> bool {
        new_password
            || self.role.is_some_and(|r| r != role)
            || self.active.is_some_and(|a| a != active)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("an admin cannot disable or demote their own account")]
    CannotChangeSelf,
}

/// R11: an admin cannot lock themself out (disable their account or give up
/// the admin role), so an office is never left without the admin who acted.
pub fn check_account_change(
    actor: &Username,
    target: &Username,
    change: AccountChange,
) -> Result<(), AccountError> {
    let demotes = change.active == Some(false)
        || change
            .role
            .is_some_and(|r| !matches!(r, Role::Admin | Role::Operator));
    if actor == target && demotes {
        return Err(AccountError::CannotChangeSelf);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office(id: &str) -> OfficeId {
        OfficeId::parse(id).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn r29_staff_act_on_their_offices_and_admins_on_all() {
        let bauen = OfficeScope::only([office("infobuero-bauen")]).unwrap_or_default();
        assert!(bauen.covers(&office("infobuero-bauen")));
        assert!(!bauen.covers(&office("buergerbuero")));
        let as_clerk = bauen.clone().effective(Role::Clerk, None);
        assert!(!as_clerk.covers(&office("buergerbuero")));
        let as_admin = bauen.effective(Role::Admin, None);
        assert!(as_admin.covers(&office("buergerbuero")));
        assert!(OfficeScope::All.covers(&office("buergerbuero")));
        assert_eq!(OfficeScope::only([]), Err(NoOfficesError));
    }

    #[test]
    fn r39_admins_and_staff_act_within_their_municipality_operators_on_all() {
        let kaarst: BTreeSet<OfficeId> = [office("buergerbuero"), office("infobuero-bauen")].into();
        let elsewhere = office("rathaus-neuss");
        let admin = OfficeScope::All.effective(Role::Admin, Some(&kaarst));
        assert!(admin.covers(&office("buergerbuero")));
        assert!(!admin.covers(&elsewhere));
        let operator = OfficeScope::All.effective(Role::Operator, Some(&kaarst));
        assert!(operator.covers(&elsewhere));
        // A desk user whose stored list names an office of another
        // municipality does not act on it.
        let desk = OfficeScope::only([office("buergerbuero"), elsewhere.clone()])
            .unwrap_or_default()
            .effective(Role::Desk, Some(&kaarst));
        assert!(desk.covers(&office("buergerbuero")));
        assert!(!desk.covers(&elsewhere));
        // A municipality without offices yet: its admin acts on none.
        let none = OfficeScope::All.effective(Role::Admin, Some(&BTreeSet::new()));
        assert!(!none.covers(&office("buergerbuero")));
    }

    #[test]
    fn r11_usernames_are_lowercase_words() {
        assert_eq!(
            Username::parse(" Anna ").map(|u| u.to_string()),
            Ok("anna".into())
        );
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("anna b").is_err());
        assert!(Username::parse("änna").is_err());
        assert!(Username::parse(&"a".repeat(65)).is_err());
        for bad in [
            "an\u{0}na",
            "anna\n",
            "anna\t",
            "\u{85}anna",
            "\u{212A}evin",
            "ann\u{200B}a",
        ] {
            assert_eq!(Username::parse(bad), Err(InvalidUsernameError), "{bad:?}");
        }
    }

    #[test]
    fn r10_r11_each_role_books_under_its_channel() {
        assert_eq!(Role::Desk.booking_channel(), Some(Channel::Desk));
        assert_eq!(Role::Admin.booking_channel(), Some(Channel::Desk));
        assert_eq!(Role::Phone.booking_channel(), Some(Channel::Phone));
        assert_eq!(Role::Clerk.booking_channel(), None);
    }

    #[test]
    fn r11_a_new_password_a_disable_an_enable_or_a_new_role_end_tokens() {
        let none = AccountChange::default();
        assert!(!none.ends_tokens(Role::Desk, true, false));
        assert!(none.ends_tokens(Role::Desk, true, true));
        let same = AccountChange {
            role: Some(Role::Desk),
            active: Some(true),
        };
        assert!(!same.ends_tokens(Role::Desk, true, false));
        let other_role = AccountChange {
            role: Some(Role::Phone),
            active: None,
        };
        assert!(other_role.ends_tokens(Role::Desk, true, false));
        let disable = AccountChange {
            role: None,
            active: Some(false),
        };
        assert!(disable.ends_tokens(Role::Desk, true, false));
        let enable = AccountChange {
            role: None,
            active: Some(true),
        };
        assert!(enable.ends_tokens(Role::Desk, false, false));
    }

    #[test]
    fn r11_an_admin_cannot_demote_or_disable_themself() {
        let chefin = Username::parse("chefin").unwrap_or_else(|_| unreachable!());
        let anna = Username::parse("anna").unwrap_or_else(|_| unreachable!());
        let demote = AccountChange {
            role: Some(Role::Desk),
            active: None,
        };
        let disable = AccountChange {
            role: None,
            active: Some(false),
        };
        assert_eq!(
            check_account_change(&chefin, &chefin, demote),
            Err(AccountError::CannotChangeSelf)
        );
        assert_eq!(
            check_account_change(&chefin, &chefin, disable),
            Err(AccountError::CannotChangeSelf)
        );
        assert_eq!(check_account_change(&chefin, &anna, demote), Ok(()));
        let stay = AccountChange {
            role: Some(Role::Admin),
            active: Some(true),
        };
        assert_eq!(check_account_change(&chefin, &chefin, stay), Ok(()));
    }
}
