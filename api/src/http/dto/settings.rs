//! An office's whole configuration and a change of its settings, as admins
//! read and send them. The settings are not listed here: both DTOs are
//! derived from the one declaration, `domain::office_settings!`, with its
//! documentation as their descriptions. What is written here is how each
//! kind of value travels ([`Json`]) and the fields that are not plain
//! settings (the office's id, name, address, hours, Tagesticket, closures,
//! services).

use super::config::{AdminServiceDto, ClosureDto, DayTicketPolicyDto, HoursDto, InvalidTime};
use super::format_date;
use domain::{
    InvalidPostcode, Leika, MunicipalityId, NewOffice, Office, OfficeId, OfficeSettings, Postcode,
    Service, ServiceId, SettingsChange, TimeOfDay,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// The declaration names the JSON form of the domain's enums by the enums'
// own names; here they are their schemas.
use super::text::{
    ChallengeDto as ChallengePolicy, ReleaseDto as DayTicketRelease,
    VerifyContactDto as VerifyContact,
};

/// A settings change whose postcode or time of day does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSettings {
    #[error(transparent)]
    Postcode(#[from] InvalidPostcode),
    #[error(transparent)]
    Time(#[from] InvalidTime),
}

/// A new office's configuration with a value that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidNewOffice {
    #[error(transparent)]
    Settings(#[from] InvalidSettings),
    #[error(transparent)]
    Time(#[from] InvalidTime),
    #[error(transparent)]
    Id(#[from] domain::IdError),
    #[error(transparent)]
    Leika(#[from] domain::InvalidLeika),
    #[error("`{0}` must be a date YYYY-MM-DD")]
    Date(String),
}

fn parse_date(field: &str, value: &str) -> Result<time::Date, InvalidNewOffice> {
    time::Date::parse(value, super::DATE_FORMAT)
        .map_err(|_| InvalidNewOffice::Date(field.to_owned()))
}

/// How a setting's value travels in JSON as `W`: written always, read
/// with a check (`field` names it in the error).
pub trait Json<W>: Sized {
    fn to_json(&self) -> W;
    fn from_json(field: &'static str, wire: W) -> Result<Self, InvalidSettings>;
}

impl Json<u32> for u32 {
    fn to_json(&self) -> u32 {
        *self
    }
    fn from_json(_: &'static str, wire: u32) -> Result<Self, InvalidSettings> {
        Ok(wire)
    }
}

impl Json<String> for TimeOfDay {
    fn to_json(&self) -> String {
        self.to_string()
    }
    fn from_json(field: &'static str, wire: String) -> Result<Self, InvalidSettings> {
        TimeOfDay::parse(&wire).map_err(|_| {
            InvalidTime {
                field: field.to_owned(),
                value: wire,
            }
            .into()
        })
    }
}

impl Json<ChallengePolicy> for domain::ChallengePolicy {
    fn to_json(&self) -> ChallengePolicy {
        (*self).into()
    }
    fn from_json(_: &'static str, wire: ChallengePolicy) -> Result<Self, InvalidSettings> {
        Ok(wire.0)
    }
}

impl Json<DayTicketRelease> for domain::DayTicketRelease {
    fn to_json(&self) -> DayTicketRelease {
        (*self).into()
    }
    fn from_json(_: &'static str, wire: DayTicketRelease) -> Result<Self, InvalidSettings> {
        Ok(wire.0)
    }
}

impl Json<VerifyContact> for domain::VerifyContact {
    fn to_json(&self) -> VerifyContact {
        VerifyContact(*self)
    }
    fn from_json(_: &'static str, wire: VerifyContact) -> Result<Self, InvalidSettings> {
        Ok(wire.0)
    }
}

impl Json<Vec<String>> for Vec<Postcode> {
    fn to_json(&self) -> Vec<String> {
        self.iter().map(|p| p.as_str().to_owned()).collect()
    }
    fn from_json(_: &'static str, wire: Vec<String>) -> Result<Self, InvalidSettings> {
        Ok(wire
            .iter()
            .map(|p| Postcode::parse(p))
            .collect::<Result<_, _>>()?)
    }
}

macro_rules! settings_dtos {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident : $ty:ty, json $json:ty = $default:expr
            $(, max $max:expr)? $(, example [$($example:tt)*])?;
    )*) => {
        /// An office's whole configuration. R39: an operator creates an
        /// office by sending one (`POST
        /// /api/v1/admin/municipalities/{id}/offices`).
        #[derive(Debug, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct OfficeConfigDto {
            pub id: String,
            pub name: String,
            pub address: String,
            $(
                $(#[doc = $doc])*
                $(#[schema(example = $($example)*)])?
                pub $field: $json,
            )*
            pub hours: HoursDto,
            /// `null`: no Tagesticket.
            #[schema(required = true)]
            pub day_ticket: Option<DayTicketPolicyDto>,
            pub closures: Vec<ClosureDto>,
            pub services: Vec<AdminServiceDto>,
        }

        impl OfficeConfigDto {
            /// R39: the new office this configuration describes, in
            /// `municipality`; its values are checked by
            /// [`NewOffice::build`].
            pub fn into_new_office(
                self,
                municipality: MunicipalityId,
            ) -> Result<NewOffice, InvalidNewOffice> {
                let settings = OfficeSettings {
                    $($field: Json::from_json(stringify!($field), self.$field)?,)*
                };
                let closures = self
                    .closures
                    .iter()
                    .map(|c| Ok((parse_date("date", &c.date)?, c.reason.clone())))
                    .collect::<Result<_, InvalidNewOffice>>()?;
                let services = self
                    .services
                    .into_iter()
                    .map(|s| {
                        Ok(Service {
                            id: ServiceId::parse(&s.id)?,
                            name: s.name,
                            minutes: s.duration_minutes,
                            active: s.active,
                            requirements: s.requirements,
                            note: s.note,
                            leika: s.leika.as_deref().map(Leika::parse).transpose()?,
                        })
                    })
                    .collect::<Result<_, InvalidNewOffice>>()?;
                Ok(NewOffice {
                    id: OfficeId::parse(&self.id)?,
                    municipality,
                    name: self.name,
                    address: self.address,
                    settings,
                    hours: self.hours.to_domain()?,
                    day_ticket: self.day_ticket.as_ref().map(|p| p.to_domain()).transpose()?,
                    services,
                    closures,
                })
            }
        }

        impl From<&Office> for OfficeConfigDto {
            fn from(o: &Office) -> Self {
                Self {
                    id: o.id.as_str().to_owned(),
                    name: o.name.clone(),
                    address: o.address.clone(),
                    $($field: Json::to_json(&o.settings.$field),)*
                    hours: HoursDto::from_domain(&o.hours),
                    day_ticket: o.day_ticket.as_ref().map(DayTicketPolicyDto::from_domain),
                    closures: o
                        .closures
                        .iter()
                        .map(|(d, r)| ClosureDto {
                            date: format_date(*d),
                            reason: r.clone(),
                        })
                        .collect(),
                    services: o.services.iter().map(AdminServiceDto::from).collect(),
                }
            }
        }

        /// Changes of an office's settings; fields left out stay.
        #[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        #[schema(example = json!({"counters": 5}))]
        pub struct OfficeSettingsDto {
            pub name: Option<String>,
            pub address: Option<String>,
            $(
                $(#[doc = $doc])*
                $(#[schema(example = $($example)*)])?
                pub $field: Option<$json>,
            )*
        }

        impl TryFrom<OfficeSettingsDto> for SettingsChange {
            type Error = InvalidSettings;
            fn try_from(s: OfficeSettingsDto) -> Result<Self, InvalidSettings> {
                Ok(Self {
                    name: s.name,
                    address: s.address,
                    $($field: s
                        .$field
                        .map(|w| Json::from_json(stringify!($field), w))
                        .transpose()?,)*
                })
            }
        }
    };
}

domain::office_settings!(settings_dtos);
