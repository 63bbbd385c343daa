-- PostgreSQL twin of sqlite/0014_move_details.sql.
-- The details some types of move carry (issue 14): the date a person
-- recalled to prison was arrested (prison_recall), the reason for a prison
-- transfer or an approved premises move, and the flight of an extradition.
-- All are optional columns: other moves leave them empty.

ALTER TABLE moves ADD COLUMN recall_date TEXT;
ALTER TABLE moves ADD COLUMN prison_transfer_reason TEXT;
ALTER TABLE moves ADD COLUMN extradition_flight_number TEXT;
-- Micro-seconds since the epoch (UTC), as time_due.
ALTER TABLE moves ADD COLUMN extradition_flight_time BIGINT;
