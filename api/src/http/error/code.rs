//! Every machine-readable code of the API, in one list.

domain::text_enum! {
    /// Every machine-readable code the API answers with (docs/API.md).
    /// Frontends branch on these; they never change meaning.
    pub enum ErrorCode {
        // Malformed requests and routing.
        InvalidBody = "invalid_body",
        InvalidQuery = "invalid_query",
        InvalidRange = "invalid_range",
        BodyTooLarge = "body_too_large",
        UnsupportedMediaType = "unsupported_media_type",
        NoRoute = "no_route",
        MethodNotAllowed = "method_not_allowed",
        MalformedRequest = "malformed_request",
        /// A browser's preflight from an origin not listed, or asking for
        /// a method or header the path does not allow (CORS).
        CorsRefused = "cors_refused",
        NotFound = "not_found",
        UnknownOffice = "unknown_office",
        // Booking rules (R3–R15).
        NoServices = "no_services",
        UnknownService = "unknown_service",
        ServiceRetired = "service_retired",
        TooManyOfService = "too_many_of_service",
        AppointmentTooLong = "appointment_too_long",
        OffGrid = "off_grid",
        NonexistentLocalTime = "nonexistent_local_time",
        InPast = "in_past",
        BeforeLeadTime = "before_lead_time",
        BeyondHorizon = "beyond_horizon",
        Holiday = "holiday",
        ClosureDay = "closure_day",
        OutsideOpeningHours = "outside_opening_hours",
        DayTicketNotToday = "day_ticket_not_today",
        NotADayTicketDay = "not_a_day_ticket_day",
        DayTicketNotReleased = "day_ticket_not_released",
        DayTicketsExhausted = "day_tickets_exhausted",
        SlotTaken = "slot_taken",
        // The citizen (R17) and the booking's secret.
        InvalidName = "invalid_name",
        ContactRequired = "contact_required",
        InvalidEmail = "invalid_email",
        InvalidPhone = "invalid_phone",
        BookingTokenRequired = "booking_token_required",
        // Cancelling (R18).
        AlreadyCancelled = "already_cancelled",
        AppointmentPassed = "appointment_passed",
        // Staff authentication (R11).
        MissingToken = "missing_token",
        InvalidToken = "invalid_token",
        TokenExpired = "token_expired",
        ForbiddenRole = "forbidden_role",
        InvalidCredentials = "invalid_credentials",
        TooManyAttempts = "too_many_attempts",
        // Administration.
        InvalidUsername = "invalid_username",
        WeakPassword = "weak_password",
        UsernameTaken = "username_taken",
        CannotChangeSelf = "cannot_change_self",
        InvalidServiceId = "invalid_service_id",
        ServiceExists = "service_exists",
        InvalidConfiguration = "invalid_configuration",
        WouldOrphanBookings = "would_orphan_bookings",
        NoOffices = "no_offices",
        // Fair use (R25, R26).
        RateLimited = "rate_limited",
        ChallengeRequired = "challenge_required",
        ChallengeInvalid = "challenge_invalid",
        ContactLimit = "contact_limit",
        NotResident = "not_resident",
        // The Tagesticket draw (R27).
        DrawNotUsed = "draw_not_used",
        DrawClosed = "draw_closed",
        InvalidWindow = "invalid_window",
        AlreadyRequested = "already_requested",
        RequestTokenRequired = "request_token_required",
        InvalidPostcode = "invalid_postcode",
        // Holds (R19) and moves (R20).
        HoldTokenRequired = "hold_token_required",
        HoldExpired = "hold_expired",
        HoldLimit = "hold_limit",
        HoldExtensionsUsed = "hold_extensions_used",
        DayTicketOtherDay = "day_ticket_other_day",
        // National service keys (R22).
        InvalidLeika = "invalid_leika",
        // Retries (Idempotency-Key).
        InvalidIdempotencyKey = "invalid_idempotency_key",
        IdempotencyKeyReused = "idempotency_key_reused",
        // The counter (R28).
        AlreadyServed = "already_served",
        MarkedNoShow = "marked_no_show",
        AlreadyCheckedIn = "already_checked_in",
        AlreadyCalled = "already_called",
        NotCalled = "not_called",
        CheckInTooEarly = "check_in_too_early",
        CheckInDayPassed = "check_in_day_passed",
        NoShowTooEarly = "no_show_too_early",
        NoSuchCounter = "no_such_counter",
        QueueEmpty = "queue_empty",
        // Verified contacts (R33).
        VerificationCodeWrong = "verification_code_wrong",
        VerificationExpired = "verification_expired",
        ContactUnverified = "contact_unverified",
        // The waitlist (R35).
        WishLimit = "wish_limit",
        // Municipalities (R39).
        UnknownMunicipality = "unknown_municipality",
        InvalidMunicipality = "invalid_municipality",
        MunicipalityExists = "municipality_exists",
        OfficeExists = "office_exists",
        // The server.
        Busy = "busy",
        DatabaseUnavailable = "database_unavailable",
        InternalError = "internal_error",
    }
}

impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "Every machine-readable code of the API; docs/API.md says what each means.",
            ))
            .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

impl utoipa::ToSchema for ErrorCode {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code, pinned: a code is part of the contract and must not
    /// change its spelling (docs/API.md lists them).
    #[test]
    fn error_codes_are_pinned() {
        let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "invalid_body",
                "invalid_query",
                "invalid_range",
                "body_too_large",
                "unsupported_media_type",
                "no_route",
                "method_not_allowed",
                "malformed_request",
                "cors_refused",
                "not_found",
                "unknown_office",
                "no_services",
                "unknown_service",
                "service_retired",
                "too_many_of_service",
                "appointment_too_long",
                "off_grid",
                "nonexistent_local_time",
                "in_past",
                "before_lead_time",
                "beyond_horizon",
                "holiday",
                "closure_day",
                "outside_opening_hours",
                "day_ticket_not_today",
                "not_a_day_ticket_day",
                "day_ticket_not_released",
                "day_tickets_exhausted",
                "slot_taken",
                "invalid_name",
                "contact_required",
                "invalid_email",
                "invalid_phone",
                "booking_token_required",
                "already_cancelled",
                "appointment_passed",
                "missing_token",
                "invalid_token",
                "token_expired",
                "forbidden_role",
                "invalid_credentials",
                "too_many_attempts",
                "invalid_username",
                "weak_password",
                "username_taken",
                "cannot_change_self",
                "invalid_service_id",
                "service_exists",
                "invalid_configuration",
                "would_orphan_bookings",
                "no_offices",
                "rate_limited",
                "challenge_required",
                "challenge_invalid",
                "contact_limit",
                "not_resident",
                "draw_not_used",
                "draw_closed",
                "invalid_window",
                "already_requested",
                "request_token_required",
                "invalid_postcode",
                "hold_token_required",
                "hold_expired",
                "hold_limit",
                "hold_extensions_used",
                "day_ticket_other_day",
                "invalid_leika",
                "invalid_idempotency_key",
                "idempotency_key_reused",
                "already_served",
                "marked_no_show",
                "already_checked_in",
                "already_called",
                "not_called",
                "check_in_too_early",
                "check_in_day_passed",
                "no_show_too_early",
                "no_such_counter",
                "queue_empty",
                "verification_code_wrong",
                "verification_expired",
                "contact_unverified",
                "wish_limit",
                "unknown_municipality",
                "invalid_municipality",
                "municipality_exists",
                "office_exists",
                "busy",
                "database_unavailable",
                "internal_error",
            ]
        );
    }
}
