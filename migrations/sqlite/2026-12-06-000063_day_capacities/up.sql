-- R30: the capacity of each past office day as the configuration in force
-- on that day set it (minutes open times the counters of each pool, the
-- Tagesticket contingent), frozen before a configuration change and at the
-- first look at the day's statistics after it ended. Anonymous figures,
-- kept like the facts of the bookings (R31 erases nothing here).
CREATE TABLE day_capacities (
    office_id TEXT NOT NULL REFERENCES offices (id),
    day DATE NOT NULL,
    regular_minutes INTEGER NOT NULL CHECK (regular_minutes >= 0),
    held_back_minutes INTEGER NOT NULL CHECK (held_back_minutes >= 0),
    day_ticket_contingent INTEGER CHECK (day_ticket_contingent >= 0),
    PRIMARY KEY (office_id, day)
);
