//! Municipalities (R39), as everyone reads them and operators write them.

use super::config::set_or_remove;
use domain::{Ags, Municipality, MunicipalityChange, MunicipalityId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A municipality: its offices are under `GET /api/v1/offices?municipality=ID`,
/// its page at `/{id}/`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "kaarst", "name": "Stadt Kaarst", "ags": "05162016",
    "mail_from": null, "public_url": null,
    "imprint_url": "https://www.kaarst.de/impressum",
    "privacy_url": "https://www.kaarst.de/datenschutz",
    "accessibility_url": "https://www.kaarst.de/barrierefreiheit"
}))]
pub struct MunicipalityDto {
    /// A slug; the path of its page.
    pub id: String,
    pub name: String,
    /// The official municipality key (AGS), 8 digits.
    pub ags: String,
    /// The sender of its messages; `null`: the deployment's
    /// (`TERMIN_MAIL_FROM`).
    #[schema(required = true)]
    pub mail_from: Option<String>,
    /// Where its citizens' links point; `null`: the deployment's
    /// (`TERMIN_PUBLIC_URL`).
    #[schema(required = true)]
    pub public_url: Option<String>,
    /// Impressum.
    #[schema(required = true)]
    pub imprint_url: Option<String>,
    /// Datenschutzerklärung.
    #[schema(required = true)]
    pub privacy_url: Option<String>,
    /// Erklärung zur Barrierefreiheit, with its feedback contact (BITV 2.0).
    #[schema(required = true)]
    pub accessibility_url: Option<String>,
}

impl From<&Municipality> for MunicipalityDto {
    fn from(m: &Municipality) -> Self {
        Self {
            id: m.id.as_str().to_owned(),
            name: m.name.clone(),
            ags: m.ags.as_str().to_owned(),
            mail_from: m.mail_from.clone(),
            public_url: m.public_url.clone(),
            imprint_url: m.imprint_url.clone(),
            privacy_url: m.privacy_url.clone(),
            accessibility_url: m.accessibility_url.clone(),
        }
    }
}

/// A new municipality.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "id": "korschenbroich", "name": "Stadt Korschenbroich", "ags": "05162020",
    "imprint_url": "https://www.korschenbroich.de/impressum"
}))]
pub struct NewMunicipalityDto {
    /// 2–64 lowercase letters, digits and hyphens; not a path of the server
    /// (`api`, `web`, `display`, `termine`, `metrics`, …).
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")]
    pub id: String,
    pub name: String,
    #[schema(pattern = "^[0-9]{8}$")]
    pub ags: String,
    #[serde(default)]
    pub mail_from: Option<String>,
    #[serde(default)]
    pub public_url: Option<String>,
    #[serde(default)]
    pub imprint_url: Option<String>,
    #[serde(default)]
    pub privacy_url: Option<String>,
    #[serde(default)]
    pub accessibility_url: Option<String>,
}

/// A value in a body that cannot be a municipality's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMunicipality {
    #[error(transparent)]
    Id(#[from] domain::MunicipalityIdError),
    #[error(transparent)]
    Ags(#[from] domain::InvalidAgs),
}

impl TryFrom<NewMunicipalityDto> for Municipality {
    type Error = InvalidMunicipality;
    fn try_from(d: NewMunicipalityDto) -> Result<Self, InvalidMunicipality> {
        Ok(Municipality {
            id: MunicipalityId::parse(&d.id)?,
            name: d.name.trim().to_owned(),
            ags: Ags::parse(&d.ags)?,
            mail_from: d.mail_from,
            public_url: d.public_url,
            imprint_url: d.imprint_url,
            privacy_url: d.privacy_url,
            accessibility_url: d.accessibility_url,
        })
    }
}

/// A change of a municipality; fields left out stay, `null` removes an
/// optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"public_url": "https://termine.kaarst.de"}))]
pub struct MunicipalityChangeDto {
    pub name: Option<String>,
    #[schema(pattern = "^[0-9]{8}$")]
    pub ags: Option<String>,
    #[serde(default, deserialize_with = "set_or_remove")]
    #[schema(value_type = Option<String>)]
    pub mail_from: Option<Option<String>>,
    #[serde(default, deserialize_with = "set_or_remove")]
    #[schema(value_type = Option<String>)]
    pub public_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "set_or_remove")]
    #[schema(value_type = Option<String>)]
    pub imprint_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "set_or_remove")]
    #[schema(value_type = Option<String>)]
    pub privacy_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "set_or_remove")]
    #[schema(value_type = Option<String>)]
    pub accessibility_url: Option<Option<String>>,
}

impl TryFrom<MunicipalityChangeDto> for MunicipalityChange {
    type Error = InvalidMunicipality;
    fn try_from(d: MunicipalityChangeDto) -> Result<Self, InvalidMunicipality> {
        Ok(MunicipalityChange {
            name: d.name,
            ags: d.ags.as_deref().map(Ags::parse).transpose()?,
            mail_from: d.mail_from,
            public_url: d.public_url,
            imprint_url: d.imprint_url,
            privacy_url: d.privacy_url,
            accessibility_url: d.accessibility_url,
        })
    }
}
