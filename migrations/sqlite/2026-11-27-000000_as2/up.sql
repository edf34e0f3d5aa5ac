-- AS2 exchanges (issue 7): every AS2 message received or sent, with the receipt (MDN) that
-- answers it. The raw request is kept as evidence of what the partner sent; the payload it
-- carried is a row of messages (message_id) like any other arrival.
CREATE TABLE as2_exchanges (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL,            -- in | out
    partner TEXT,
    as2_from TEXT NOT NULL,
    as2_message_id TEXT NOT NULL,       -- the Message-ID header exactly as sent
    message_id BIGINT REFERENCES messages (id),
    status TEXT NOT NULL,               -- in: processed | refused; out: sending | awaiting-mdn | processed | rejected | unverified | overdue
    disposition TEXT,                   -- the MDN's disposition (sent or received)
    reason TEXT,                        -- why refused / rejected, for people
    mic TEXT,                           -- in: computed; out: expected back
    mdn_mode TEXT NOT NULL,             -- none | sync | async
    mdn BLOB,                          -- the MDN as it went on the wire: HTTP headers, blank line, body
    request BLOB NOT NULL,             -- the same for the message (the async MDN URL is in its headers)
    mdn_due_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- A resend carries the Message-ID of the first sending: found by it, answered with the MDN
-- stored, not processed again.
CREATE UNIQUE INDEX as2_exchanges_by_message_id ON as2_exchanges (direction, as2_from, as2_message_id);
CREATE INDEX as2_exchanges_awaiting ON as2_exchanges (status, mdn_due_at);
