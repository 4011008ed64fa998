//! The tables of `migrations/`, the same on both backends.

diesel::table! {
    offices (id) {
        id -> Text,
        name -> Text,
        address -> Text,
        day_ticket_held_back -> Nullable<Integer>,
        day_ticket_per_day -> Nullable<Integer>,
        day_ticket_online_from -> Nullable<Time>,
        day_ticket_staff_from -> Nullable<Time>,
        day_ticket_weekdays -> Nullable<Integer>,
        version -> BigInt,
        /// `domain::OfficeSettings` as JSON.
        settings -> Text,
        /// R39.
        municipality -> Text,
    }
}

diesel::table! {
    /// R33.
    verifications (id) {
        id -> Text,
        mailbox -> Text,
        email -> Text,
        code_hash -> Text,
        code_sealed -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        wrong -> Integer,
        confirmed_at -> Nullable<Timestamp>,
        send_status -> Text,
        send_attempts -> Integer,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// R33.
    contact_tokens (token_hash) {
        token_hash -> Text,
        mailbox -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// R39.
    municipalities (id) {
        id -> Text,
        name -> Text,
        ags -> Text,
        mail_from -> Nullable<Text>,
        public_url -> Nullable<Text>,
        imprint_url -> Nullable<Text>,
        privacy_url -> Nullable<Text>,
        accessibility_url -> Nullable<Text>,
        version -> BigInt,
    }
}

diesel::table! {
    services (office_id, id) {
        office_id -> Text,
        id -> Text,
        name -> Text,
        minutes -> Integer,
        active -> Bool,
        position -> Integer,
        requirements -> Text,
        note -> Nullable<Text>,
        leika -> Nullable<Text>,
    }
}

diesel::table! {
    opening_windows (office_id, weekday, start_time) {
        office_id -> Text,
        weekday -> SmallInt,
        start_time -> Time,
        end_time -> Time,
    }
}

diesel::table! {
    closures (office_id, day) {
        office_id -> Text,
        day -> Date,
        reason -> Text,
    }
}

diesel::table! {
    office_days (office_id, day) {
        office_id -> Text,
        day -> Date,
        version -> BigInt,
    }
}

diesel::table! {
    bookings (id) {
        id -> Text,
        code -> Text,
        token_hash -> Text,
        office_id -> Text,
        local_day -> Date,
        start_at -> Timestamp,
        end_at -> Timestamp,
        minutes -> Integer,
        kind -> Text,
        channel -> Text,
        status -> Text,
        citizen_name -> Text,
        citizen_email -> Nullable<Text>,
        citizen_phone -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        cancelled_at -> Nullable<Timestamp>,
        cancelled_by -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        citizen_postcode -> Nullable<Text>,
        previous_start_at -> Nullable<Timestamp>,
        sequence -> Integer,
        confirmation_secret -> Nullable<Text>,
        confirmation_due_at -> Nullable<Timestamp>,
        confirmation_remind_at -> Nullable<Timestamp>,
        stage -> Nullable<Text>,
        checked_in_at -> Nullable<Timestamp>,
        checked_in_by -> Nullable<Text>,
        called_at -> Nullable<Timestamp>,
        called_by -> Nullable<Text>,
        counter -> Nullable<Integer>,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    booking_services (booking_id, position) {
        booking_id -> Text,
        position -> Integer,
        office_id -> Text,
        service_id -> Text,
        minutes -> Integer,
    }
}

diesel::table! {
    staff_users (username) {
        username -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        token_generation -> BigInt,
        offices -> Nullable<Text>,
        /// R39: `NULL` for an operator or a user across municipalities.
        municipality -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        office_id -> Nullable<Text>,
        booking_id -> Nullable<Text>,
        detail -> Text,
        /// R39: whose admins see the entry; `NULL`: operators only.
        municipality -> Nullable<Text>,
    }
}

diesel::joinable!(booking_services -> bookings (booking_id));

diesel::table! {
    used_challenges (challenge) {
        challenge -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (idempotency_key) {
        idempotency_key -> Text,
        request_hash -> Text,
        target_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    holds (id) {
        id -> Text,
        token_hash -> Text,
        office_id -> Text,
        local_day -> Date,
        start_at -> Timestamp,
        end_at -> Timestamp,
        minutes -> Integer,
        kind -> Text,
        services -> Text,
        client_key -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        extensions_left -> Integer,
        /// R33.
        mailbox -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        booking_id -> Text,
        kind -> Text,
        sequence -> Integer,
        secret -> Nullable<Text>,
        status -> Text,
        due_at -> Timestamp,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        remind_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    counter_calls (id) {
        id -> BigInt,
        office_id -> Text,
        booking_id -> Text,
        code -> Text,
        counter -> Integer,
        called_at -> Timestamp,
    }
}

diesel::table! {
    wishes (id) {
        id -> Text,
        token_hash -> Text,
        office_id -> Text,
        services -> Text,
        from_day -> Date,
        to_day -> Date,
        weekdays -> Nullable<Text>,
        times_from -> Nullable<Text>,
        times_to -> Nullable<Text>,
        citizen_name -> Text,
        citizen_email -> Text,
        citizen_phone -> Nullable<Text>,
        citizen_postcode -> Nullable<Text>,
        mailbox -> Text,
        status -> Text,
        expired_offers -> Integer,
        created_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        booking_id -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    offices,
    services,
    opening_windows,
    closures,
    office_days,
    bookings,
    booking_services,
    staff_users,
    audit_log,
    municipalities,
    used_challenges,
    idempotency_keys,
    holds,
    outbox,
    counter_calls,
);

diesel::table! {
    day_ticket_requests (id) {
        id -> Text,
        token_hash -> Text,
        office_id -> Text,
        local_day -> Date,
        services -> Text,
        window_from -> Nullable<Integer>,
        window_to -> Nullable<Integer>,
        citizen_name -> Text,
        citizen_email -> Nullable<Text>,
        citizen_phone -> Nullable<Text>,
        citizen_postcode -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        created_at -> Timestamp,
        status -> Text,
        booking_id -> Nullable<Text>,
        booking_token -> Nullable<Text>,
    }
}

diesel::table! {
    day_ticket_draws (office_id, local_day) {
        office_id -> Text,
        local_day -> Date,
        seed -> Text,
        drawn_at -> Timestamp,
        requests -> Integer,
        winners -> Integer,
    }
}

diesel::table! {
    day_capacities (office_id, day) {
        office_id -> Text,
        day -> Date,
        regular_minutes -> Integer,
        held_back_minutes -> Integer,
        day_ticket_contingent -> Nullable<Integer>,
    }
}
