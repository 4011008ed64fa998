//! The OpenAPI schemas of the domain's enums. Each is a transparent wrapper:
//! the words on the wire are the domain's one text mapping (`text_enum!`),
//! and the schema lists exactly those words.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

macro_rules! text_schema {
    ($(#[doc = $doc:literal])* $dto:ident($domain:ty), $name:literal) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $dto(pub $domain);

        impl utoipa::PartialSchema for $dto {
            fn schema() -> RefOr<Schema> {
                let doc: &[&str] = &[$($doc),*];
                let description = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description((!description.is_empty()).then_some(description))
                    .enum_values(Some(<$domain>::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }

        impl utoipa::ToSchema for $dto {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }

        impl From<$domain> for $dto {
            fn from(v: $domain) -> Self {
                Self(v)
            }
        }
    };
}

text_schema!(
    /// Regular appointment or Tagesticket.
    KindDto(domain::BookingKind), "KindDto"
);
text_schema!(ChannelDto(domain::Channel), "ChannelDto");
text_schema!(StatusDto(domain::BookingStatus), "StatusDto");
text_schema!(
    /// What a staff user may do (R11).
    RoleDto(domain::Role), "Role"
);
text_schema!(
    /// Why a booking no longer fits a changed configuration.
    OrphanReasonDto(domain::admin::Orphaned), "OrphanReasonDto"
);

text_schema!(
    /// Which online bookings need a solved proof-of-work challenge (R26).
    ChallengeDto(domain::ChallengePolicy), "ChallengeDto"
);
text_schema!(
    /// How the day's Tagestickets are released (R27).
    ReleaseDto(domain::DayTicketRelease), "ReleaseDto"
);
text_schema!(
    /// Which online requests need a verified e-mail address (R33).
    VerifyContactDto(domain::VerifyContact), "VerifyContact"
);

impl Default for KindDto {
    fn default() -> Self {
        Self(domain::BookingKind::Regular)
    }
}
text_schema!(
    /// What a message tells the citizen (R23).
    MessageKindDto(domain::MessageKind), "MessageKind"
);
text_schema!(
    /// Where a message stands: `pending` (waiting or to be retried), `sent`,
    /// `failed` (given up after the last retry), `obsolete` (no longer true
    /// when its turn came, not sent) (R23).
    MessageStatusDto(domain::MessageStatus), "MessageStatus"
);
text_schema!(
    /// What a request for the Tagesticket draw came to (R27): `pending`
    /// until the draw at the online release, then `won` (with its booking)
    /// or `lost`.
    RequestStatusDto(domain::RequestStatus), "RequestStatus"
);
