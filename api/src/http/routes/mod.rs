//! Every route, by resource. Handlers extract, authorize, call one store
//! operation and map its answer; the rules live in `domain`, the
//! transactions in `persistence`.

pub mod admin;
pub mod citizen;
pub mod ops;
pub mod staff;
pub mod web;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn register(cfg: &mut ServiceConfig) {
    use self::admin::municipalities as operated;
    use self::admin::{audit, closures, messages, offices, services, statistics, users};
    use self::citizen::{bookings, holds, offers, offices as public};
    use self::staff::{bookings as staff_bookings, counter, days, login};
    cfg.service(public::list_offices)
        .service(self::citizen::municipalities::list_municipalities)
        .service(self::citizen::verifications::request_code)
        .service(self::citizen::verifications::confirm_code)
        .service(self::citizen::verifications::contact_bookings)
        .service(operated::create_municipality)
        .service(operated::admin_municipalities)
        .service(operated::admin_municipality)
        .service(operated::change_municipality)
        .service(operated::create_office)
        .service(public::list_services)
        .service(offers::search_slots)
        .service(offers::day_tickets)
        .service(bookings::create_booking)
        .service(bookings::get_booking)
        .service(bookings::cancel_booking)
        .service(bookings::move_booking)
        .service(bookings::booking_calendar)
        .service(crate::http::routes::citizen::privacy::held_data)
        .service(crate::http::routes::citizen::privacy::erase_data)
        .service(holds::create_hold)
        .service(holds::get_hold)
        .service(holds::extend_hold)
        .service(holds::release_hold)
        .service(holds::confirm_hold)
        .service(crate::http::routes::citizen::challenge::challenge)
        .service(crate::http::routes::citizen::draws::request_day_ticket)
        .service(crate::http::routes::citizen::draws::day_ticket_request)
        .service(login::login)
        .service(staff_bookings::staff_book)
        .service(days::appointments)
        .service(days::staff_day_tickets)
        .service(staff_bookings::booking_by_code)
        .service(staff_bookings::staff_get_booking)
        .service(staff_bookings::staff_cancel)
        .service(staff_bookings::staff_move)
        .service(counter::check_in)
        .service(counter::call_next)
        .service(counter::done)
        .service(counter::no_show)
        .service(counter::queue)
        .service(crate::http::routes::citizen::display::display)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::change_user)
        .service(users::reset_password)
        .service(offices::office_config)
        .service(offices::change_settings)
        .service(offices::set_hours)
        .service(offices::set_day_ticket)
        .service(offices::remove_day_ticket)
        .service(services::add_service)
        .service(services::update_service)
        .service(services::retire_service)
        .service(closures::add_closure)
        .service(closures::remove_closure)
        .service(audit::audit_log)
        .service(statistics::statistics)
        .service(statistics::municipality_statistics)
        .service(messages::list_messages)
        .service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics);
}
