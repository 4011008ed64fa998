//! What the audit log records: one action per kind of staff change.

use crate::text_enum;

text_enum! {
    /// An audited action; the text is what the log shows.
    pub enum AuditAction {
        BookingCreate = "booking.create",
        BookingCancel = "booking.cancel",
        BookingMove = "booking.move",
        /// R28: the steps at the counter.
        BookingCheckIn = "booking.check_in",
        BookingCall = "booking.call",
        BookingServed = "booking.served",
        BookingNoShow = "booking.no_show",
        OfficeSettings = "office.settings",
        OfficeHours = "office.hours",
        DayTicketSet = "office.day_ticket.set",
        DayTicketRemove = "office.day_ticket.remove",
        ClosureAdd = "office.closure.add",
        ClosureRemove = "office.closure.remove",
        ServiceAdd = "service.add",
        ServiceChange = "service.change",
        ServiceRetire = "service.retire",
        UserCreate = "user.create",
        UserBootstrap = "user.bootstrap",
        UserChange = "user.change",
        /// R39.
        MunicipalityCreate = "municipality.create",
        MunicipalityChange = "municipality.change",
        OfficeCreate = "office.create",
    }
}
