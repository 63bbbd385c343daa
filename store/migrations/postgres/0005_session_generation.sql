-- Signing out ends a user's sessions on the server too. A session lives in
-- a cookie, which a server cannot take back; so each session carries the
-- generation it was signed in under, and signing out moves the user on to
-- the next one. A copied cookie of an older generation no longer works.

ALTER TABLE users ADD COLUMN session_generation BIGINT NOT NULL DEFAULT 0;
