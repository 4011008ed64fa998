//! What the annotations of single handlers cannot say, added to the spec in
//! one place: the answers every operation of a kind can give (a `default`
//! problem, 401 with `WWW-Authenticate` where a token is needed, 429 on the
//! citizens' rate-limited paths and the login, 503 `busy` on every write)
//! and the headers that come with them (`Retry-After`).

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{
    ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder, Type, schema::ObjectBuilder,
};

fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

fn header(response: &mut RefOr<Response>, name: &str, description: &str, ty: Type) {
    if let RefOr::T(response) = response {
        response.headers.entry(name.to_owned()).or_insert_with(|| {
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(ty)))
                .description(Some(description))
                .build()
                .into()
        });
    }
}

fn complete_operation(path: &str, write: bool, op: &mut Operation) {
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description).into());
    };
    add(
        "default",
        "Any other error, as problem+json with its `code` (see ErrorCode)",
    );
    let bearer = op.security.as_ref().is_some_and(|s| !s.is_empty());
    if bearer {
        add(
            "401",
            "No, bad or expired token (`missing_token`, `invalid_token`, `token_expired`)",
        );
    }
    if crate::http::protocol::is_citizen_path(path) {
        add(
            "429",
            "Too many requests from this address (`rate_limited`); see Retry-After",
        );
    }
    if path == "/api/v1/auth/token" {
        add(
            "429",
            "Too many attempts (`too_many_attempts`); see Retry-After",
        );
    }
    if write {
        add(
            "503",
            "The database is busy (`busy`) or unreachable (`database_unavailable`); retry after Retry-After",
        );
    }
    if path.starts_with("/api/v1/admin/users") && write {
        add("400", "Malformed body (`invalid_body`) or path");
    }
    for (status, response) in responses.iter_mut() {
        match status.as_str() {
            "401" if bearer => header(
                response,
                "WWW-Authenticate",
                "`Bearer`: send a token of POST /api/v1/auth/token",
                Type::String,
            ),
            "429" | "503" => header(
                response,
                "Retry-After",
                "Seconds to wait before trying again",
                Type::Integer,
            ),
            _ => {}
        }
    }
}

/// R17: a citizen gives an e-mail address or a phone number (or both).
fn citizen_needs_a_contact(api: &mut OpenApi) {
    use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, Schema};
    let Some(components) = api.components.as_mut() else {
        return;
    };
    let Some(citizen) = components.schemas.remove("CitizenDto") else {
        return;
    };
    // Each alternative names its property, so generated clients read it as
    // `{email: string}` or `{phone: string}` beside the citizen's fields.
    let with = |field: &str| {
        ObjectBuilder::new()
            .property(field, ObjectBuilder::new().schema_type(Type::String))
            .required(field)
            .build()
    };
    let contact = AnyOfBuilder::new()
        .item(with("email"))
        .item(with("phone"))
        .description(Some("An e-mail address or a phone number, or both (R17)"))
        .build();
    let schema = AllOfBuilder::new()
        .item(citizen)
        .item(Schema::AnyOf(contact))
        .build();
    components
        .schemas
        .insert("CitizenDto".to_owned(), Schema::AllOf(schema).into());
}

/// Adds what every operation of its kind answers; see the module.
pub(crate) fn complete(api: &mut OpenApi) {
    citizen_needs_a_contact(api);
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            (false, &mut item.get),
            (true, &mut item.put),
            (true, &mut item.post),
            (true, &mut item.delete),
            (true, &mut item.patch),
            (false, &mut item.head),
            (false, &mut item.options),
        ];
        for (write, operation) in operations {
            if let Some(op) = operation {
                complete_operation(path, write, op);
            }
        }
    }
}
