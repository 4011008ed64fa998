DROP TABLE booking_services;
DROP TABLE bookings;
DROP TABLE office_days;
DROP TABLE closures;
DROP TABLE opening_windows;
DROP TABLE services;
DROP TABLE offices;
