//! Typed changes of an office's configuration. Every admin change is one
//! [`OfficeEdit`]; [`Office::apply`] decides whether it is allowed and
//! yields the new, validated configuration. Whether the change would strand
//! bookings is decided apart from this, by [`crate::admin::orphaned_bookings`].

use crate::audit::AuditAction;
use crate::config::MAX_REQUIREMENTS;
use crate::config::{ConfigError, DayTicketPolicy, Office, Service, WeeklyHours};
use crate::ids::{Leika, ServiceId};
pub use crate::settings::SettingsChange;
use crate::texts::{
    Address, ClosureReason, OfficeName, Requirement, ServiceName, ServiceNote, TextError,
};
use time::Date;

/// New values for a service; `None` keeps the current one. A new duration
/// applies to bookings made from then on; existing ones keep their length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceChange {
    pub name: Option<String>,
    pub minutes: Option<u32>,
    /// `false` retires the service, `true` offers it again.
    pub active: Option<bool>,
    /// R21: the whole new list of things to bring (`Some(vec![])` empties it).
    pub requirements: Option<Vec<String>>,
    /// R21: `Some(Some(text))` sets the note, `Some(None)` removes it.
    pub note: Option<Option<String>>,
    /// R22: `Some(Some(key))` sets the key, `Some(None)` removes it.
    pub leika: Option<Option<Leika>>,
}

/// One administrative change of an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeEdit {
    Settings(SettingsChange),
    /// Replaces the weekly opening windows (R5).
    Hours(WeeklyHours),
    /// Sets the Tagesticket contingent (R12, R13).
    SetDayTicket(DayTicketPolicy),
    /// Ends the Tagesticket for this office.
    RemoveDayTicket,
    AddService {
        id: ServiceId,
        name: String,
        minutes: u32,
        /// R21, R22: what to bring, a note, the national key.
        requirements: Vec<String>,
        note: Option<String>,
        leika: Option<Leika>,
    },
    ChangeService {
        id: ServiceId,
        change: ServiceChange,
    },
    /// No longer bookable; kept for the bookings that name it.
    RetireService(ServiceId),
    /// Closes the office on a day (R6), with the reason shown to citizens.
    AddClosure {
        date: Date,
        reason: String,
    },
    RemoveClosure(Date),
}

/// Why an edit cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the office already has a service `{0}`; change it instead")]
    ServiceExists(ServiceId),
    #[error("the office has no service `{0}`")]
    UnknownService(ServiceId),
    #[error("the office is not closed on {0}")]
    NoClosure(Date),
    #[error("the configuration is not valid: {0}")]
    Invalid(#[from] ConfigError),
}

impl OfficeEdit {
    /// What the audit log calls this change.
    pub fn action(&self) -> AuditAction {
        match self {
            OfficeEdit::Settings(_) => AuditAction::OfficeSettings,
            OfficeEdit::Hours(_) => AuditAction::OfficeHours,
            OfficeEdit::SetDayTicket(_) => AuditAction::DayTicketSet,
            OfficeEdit::RemoveDayTicket => AuditAction::DayTicketRemove,
            OfficeEdit::AddService { .. } => AuditAction::ServiceAdd,
            OfficeEdit::ChangeService { .. } => AuditAction::ServiceChange,
            OfficeEdit::RetireService(_) => AuditAction::ServiceRetire,
            OfficeEdit::AddClosure { .. } => AuditAction::ClosureAdd,
            OfficeEdit::RemoveClosure(_) => AuditAction::ClosureRemove,
        }
    }
}

fn keep<T: Clone>(slot: &mut T, new: &Option<T>) {
    if let Some(v) = new {
        slot.clone_from(v);
    }
}

/// A text an edit brings, checked by the rule of its kind (`parse`) and
/// trimmed; a refusal names the field.
fn text(
    field: &'static str,
    raw: &str,
    parse: fn(&str) -> Result<String, TextError>,
) -> Result<String, ConfigError> {
    parse(raw).map_err(|e| ConfigError::Text(field, e))
}

/// [`text`] for an optional value.
fn new_text(
    field: &'static str,
    raw: Option<&str>,
    parse: fn(&str) -> Result<String, TextError>,
) -> Result<Option<String>, ConfigError> {
    raw.map(|r| text(field, r, parse)).transpose()
}

fn office_name(raw: &str) -> Result<String, TextError> {
    OfficeName::parse(raw).map(OfficeName::into_string)
}
fn address(raw: &str) -> Result<String, TextError> {
    Address::parse(raw).map(Address::into_string)
}
fn service_name(raw: &str) -> Result<String, TextError> {
    ServiceName::parse(raw).map(ServiceName::into_string)
}
fn closure_reason(raw: &str) -> Result<String, TextError> {
    ClosureReason::parse(raw).map(ClosureReason::into_string)
}
fn service_note(raw: &str) -> Result<String, TextError> {
    ServiceNote::parse(raw).map(ServiceNote::into_string)
}

/// R21: each thing to bring checked by the text rule and trimmed; the
/// length of the list is checked by [`Office::validate`], but a list far
/// over it is refused before its texts are.
fn requirements(id: &ServiceId, raw: &[String]) -> Result<Vec<String>, ConfigError> {
    if raw.len() > MAX_REQUIREMENTS {
        return Err(ConfigError::Requirements(id.clone()));
    }
    raw.iter()
        .map(|r| {
            text("requirements", r, |t| {
                Requirement::parse(t).map(Requirement::into_string)
            })
        })
        .collect()
}

/// R39: everything a new office is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOffice {
    pub id: crate::ids::OfficeId,
    pub municipality: crate::municipality::MunicipalityId,
    pub name: String,
    pub address: String,
    pub settings: crate::settings::OfficeSettings,
    pub hours: WeeklyHours,
    pub day_ticket: Option<DayTicketPolicy>,
    pub services: Vec<Service>,
    pub closures: std::collections::BTreeMap<Date, String>,
}

impl NewOffice {
    /// R39: the office, every value checked as an admin's edits check it:
    /// the name and address, the hours, the Tagesticket, each service and
    /// each closure applied in this order to an office that has none of
    /// them yet.
    pub fn build(self) -> Result<Office, EditError> {
        let base = Office {
            id: self.id,
            municipality: self.municipality,
            name: self.name.clone(),
            address: self.address.clone(),
            settings: self.settings,
            hours: WeeklyHours::default(),
            day_ticket: None,
            closures: std::collections::BTreeMap::new(),
            services: Vec::new(),
        };
        let mut office = base.apply(&OfficeEdit::Settings(SettingsChange {
            name: Some(self.name),
            address: Some(self.address),
            ..SettingsChange::default()
        }))?;
        office = office.apply(&OfficeEdit::Hours(self.hours))?;
        if let Some(policy) = self.day_ticket {
            office = office.apply(&OfficeEdit::SetDayTicket(policy))?;
        }
        for s in self.services {
            office = office.apply(&OfficeEdit::AddService {
                id: s.id.clone(),
                name: s.name,
                minutes: s.minutes,
                requirements: s.requirements,
                note: s.note,
                leika: s.leika,
            })?;
            if !s.active {
                office = office.apply(&OfficeEdit::RetireService(s.id))?;
            }
        }
        for (date, reason) in self.closures {
            office = office.apply(&OfficeEdit::AddClosure { date, reason })?;
        }
        Ok(office)
    }
}

impl Office {
    /// The configuration after `edit`, validated; `self` is unchanged.
    pub fn apply(&self, edit: &OfficeEdit) -> Result<Office, EditError> {
        let mut next = self.clone();
        match edit {
            OfficeEdit::Settings(s) => {
                keep(
                    &mut next.name,
                    &new_text("name", s.name.as_deref(), office_name)?,
                );
                keep(
                    &mut next.address,
                    &new_text("address", s.address.as_deref(), address)?,
                );
                next.settings = next.settings.with(s);
            }
            OfficeEdit::Hours(hours) => next.hours = hours.clone(),
            OfficeEdit::SetDayTicket(policy) => next.day_ticket = Some(policy.clone()),
            OfficeEdit::RemoveDayTicket => next.day_ticket = None,
            OfficeEdit::AddService {
                id,
                name,
                minutes,
                requirements: wanted,
                note,
                leika,
            } => {
                if next.service(id).is_some() {
                    return Err(EditError::ServiceExists(id.clone()));
                }
                next.services.push(Service {
                    id: id.clone(),
                    name: text("name", name, service_name)?,
                    minutes: *minutes,
                    active: true,
                    requirements: requirements(id, wanted)?,
                    note: new_text("note", note.as_deref(), service_note)?,
                    leika: leika.clone(),
                });
            }
            OfficeEdit::ChangeService { id, change } => {
                let name = new_text("name", change.name.as_deref(), service_name)?;
                let wanted = change
                    .requirements
                    .as_deref()
                    .map(|list| requirements(id, list))
                    .transpose()?;
                let note = change
                    .note
                    .as_ref()
                    .map(|n| new_text("note", n.as_deref(), service_note))
                    .transpose()?;
                let service = next.service_mut(id)?;
                keep(&mut service.name, &name);
                keep(&mut service.minutes, &change.minutes);
                keep(&mut service.active, &change.active);
                keep(&mut service.requirements, &wanted);
                keep(&mut service.note, &note);
                keep(&mut service.leika, &change.leika);
            }
            OfficeEdit::RetireService(id) => next.service_mut(id)?.active = false,
            OfficeEdit::AddClosure { date, reason } => {
                next.closures
                    .insert(*date, text("reason", reason, closure_reason)?);
            }
            OfficeEdit::RemoveClosure(date) => {
                next.closures
                    .remove(date)
                    .ok_or(EditError::NoClosure(*date))?;
            }
        }
        next.validate()?;
        Ok(next)
    }

    fn service_mut(&mut self, id: &ServiceId) -> Result<&mut Service, EditError> {
        self.services
            .iter_mut()
            .find(|s| &s.id == id)
            .ok_or_else(|| EditError::UnknownService(id.clone()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::date;

    fn office() -> Office {
        crate::test_support::buergerbuero()
    }

    fn id(s: &str) -> ServiceId {
        ServiceId::parse(s).unwrap()
    }

    #[test]
    fn adding_an_existing_service_is_refused() {
        let edit = OfficeEdit::AddService {
            id: id("anmeldung"),
            name: "x".into(),
            minutes: 10,
            requirements: vec![],
            note: None,
            leika: None,
        };
        assert_eq!(
            office().apply(&edit),
            Err(EditError::ServiceExists(id("anmeldung")))
        );
    }

    #[test]
    fn a_change_of_an_unknown_service_or_closure_is_refused() {
        let o = office();
        assert_eq!(
            o.apply(&OfficeEdit::RetireService(id("heirat"))),
            Err(EditError::UnknownService(id("heirat")))
        );
        assert_eq!(
            o.apply(&OfficeEdit::RemoveClosure(date!(2026 - 12 - 24))),
            Err(EditError::NoClosure(date!(2026 - 12 - 24)))
        );
    }

    #[test]
    fn r6_closure_reasons_are_required_and_r7_counters_validated() {
        let o = office();
        let closed = o
            .apply(&OfficeEdit::AddClosure {
                date: date!(2026 - 12 - 24),
                reason: " Heiligabend ".into(),
            })
            .unwrap();
        assert_eq!(
            closed
                .closures
                .get(&date!(2026 - 12 - 24))
                .map(String::as_str),
            Some("Heiligabend")
        );
        assert!(matches!(
            o.apply(&OfficeEdit::AddClosure {
                date: date!(2026 - 12 - 24),
                reason: "  ".into()
            }),
            Err(EditError::Invalid(ConfigError::Text(
                "reason",
                TextError::NothingVisible
            )))
        ));
        let none = OfficeEdit::Settings(SettingsChange {
            counters: Some(0),
            ..SettingsChange::default()
        });
        assert_eq!(
            o.apply(&none),
            Err(EditError::Invalid(ConfigError::NoCounters))
        );
    }

    #[test]
    fn r6_texts_of_an_edit_follow_the_text_rules() {
        let o = office();
        let refused = |edit: OfficeEdit, field: &'static str, error: TextError| {
            assert_eq!(
                o.apply(&edit),
                Err(EditError::Invalid(ConfigError::Text(field, error))),
                "{edit:?}"
            );
        };
        let settings = |name: Option<&str>, address: Option<&str>| {
            OfficeEdit::Settings(SettingsChange {
                name: name.map(str::to_owned),
                address: address.map(str::to_owned),
                ..SettingsChange::default()
            })
        };
        refused(settings(Some("B\u{0}B"), None), "name", TextError::Control);
        refused(
            settings(None, Some("\u{200B}\u{200B}")),
            "address",
            TextError::NothingVisible,
        );
        refused(
            settings(None, Some(&"x".repeat(301))),
            "address",
            TextError::TooLong(300),
        );
        refused(
            OfficeEdit::AddService {
                id: id("heirat"),
                name: "Ehe\nschließung".into(),
                minutes: 30,
                requirements: vec![],
                note: None,
                leika: None,
            },
            "name",
            TextError::Control,
        );
        refused(
            OfficeEdit::ChangeService {
                id: id("anmeldung"),
                change: ServiceChange {
                    name: Some(" ".into()),
                    ..ServiceChange::default()
                },
            },
            "name",
            TextError::NothingVisible,
        );
        refused(
            OfficeEdit::AddClosure {
                date: date!(2026 - 12 - 24),
                reason: "Heilig\u{0}abend".into(),
            },
            "reason",
            TextError::Control,
        );
        let renamed = o
            .apply(&settings(
                Some("  Bürgerbüro Kaarst "),
                Some(" Am Neumarkt 2 "),
            ))
            .unwrap();
        assert_eq!(
            (renamed.name.as_str(), renamed.address.as_str()),
            ("Bürgerbüro Kaarst", "Am Neumarkt 2")
        );
    }

    #[test]
    fn each_edit_has_its_own_audit_action() {
        let set = OfficeEdit::SetDayTicket(office().day_ticket.unwrap());
        assert_ne!(set.action(), OfficeEdit::RemoveDayTicket.action());
        let add = OfficeEdit::AddClosure {
            date: date!(2026 - 12 - 24),
            reason: "x".into(),
        };
        assert_ne!(
            add.action(),
            OfficeEdit::RemoveClosure(date!(2026 - 12 - 24)).action()
        );
    }
}
