CREATE TABLE days (id int PRIMARY KEY, version bigint NOT NULL, booked int NOT NULL);
CREATE TABLE units (id int PRIMARY KEY, used int NOT NULL);
CREATE TABLE bookings (id bigserial PRIMARY KEY, day_id int NOT NULL, at timestamptz NOT NULL, who text NOT NULL);
INSERT INTO days SELECT g, 1, 0 FROM generate_series(1, 56) g;
INSERT INTO units SELECT g, 0 FROM generate_series(1, 56) g;
