-- The gateway's store (PostgreSQL). migrations/sqlite holds the same schema in SQLite's
-- types; the two are kept column for column alike (tests/store.rs compares them).
-- Times are UTC.

-- Every message in or out, raw, as it arrived or as it was sent.
CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    direction TEXT NOT NULL,            -- in | out
    kind TEXT NOT NULL,                 -- x12 (received) | ack (our 997/TA1) | document (ours)
    partner TEXT,
    channel TEXT NOT NULL,              -- folder | submit | as2 | sftp | engine
    origin TEXT,                        -- the file name it arrived as / was written as
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    body BYTEA NOT NULL,
    status TEXT NOT NULL,
    duplicate_of BIGINT REFERENCES messages (id),
    note TEXT,
    released BOOLEAN NOT NULL,          -- in: its source (a file) archived; out: delivered
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_by_sha256 ON messages (sha256);
CREATE INDEX messages_by_partner ON messages (partner, id);
CREATE INDEX messages_not_released ON messages (channel, partner) WHERE NOT released;

CREATE TABLE interchanges (
    id BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id),
    direction TEXT NOT NULL,
    partner TEXT,
    sender TEXT NOT NULL,               -- ISA05:ISA06, padding removed
    receiver TEXT NOT NULL,             -- ISA07:ISA08
    control_number TEXT NOT NULL,       -- ISA13
    version TEXT NOT NULL,              -- ISA12
    test BOOLEAN NOT NULL,              -- ISA15 = T
    status TEXT NOT NULL,
    duplicate_of BIGINT REFERENCES interchanges (id),
    created_at TIMESTAMP NOT NULL
);
-- An ISA13 of ours is never used twice towards a partner.
CREATE UNIQUE INDEX interchanges_ours_once ON interchanges (partner, control_number)
    WHERE direction = 'out';
CREATE INDEX interchanges_by_parties ON interchanges (sender, receiver, control_number);
CREATE INDEX interchanges_by_message ON interchanges (message_id);

CREATE TABLE functional_groups (
    id BIGSERIAL PRIMARY KEY,
    interchange_id BIGINT NOT NULL REFERENCES interchanges (id),
    message_id BIGINT NOT NULL REFERENCES messages (id),
    direction TEXT NOT NULL,
    partner TEXT,
    functional_id TEXT NOT NULL,        -- GS01
    control_number TEXT NOT NULL,       -- GS06
    version TEXT NOT NULL,              -- GS08
    set_count BIGINT NOT NULL,
    verdict TEXT,                       -- in: our AK901
    ack_status TEXT NOT NULL,
    ack_due_at TIMESTAMP,
    ack_message_id BIGINT REFERENCES messages (id),
    ack_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX functional_groups_ours_once ON functional_groups (partner, control_number)
    WHERE direction = 'out';
CREATE INDEX functional_groups_by_status ON functional_groups (direction, ack_status, ack_due_at);
CREATE INDEX functional_groups_by_partner ON functional_groups (partner, direction, id);
CREATE INDEX functional_groups_by_message ON functional_groups (message_id);
CREATE INDEX functional_groups_by_ack ON functional_groups (ack_message_id);

CREATE TABLE transaction_sets (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES functional_groups (id),
    message_id BIGINT NOT NULL REFERENCES messages (id),
    direction TEXT NOT NULL,
    partner TEXT,
    set_id TEXT NOT NULL,               -- ST01
    control_number TEXT NOT NULL,       -- ST02
    status TEXT NOT NULL,
    document_id BIGINT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX transaction_sets_by_group ON transaction_sets (group_id);
CREATE INDEX transaction_sets_by_message ON transaction_sets (message_id);

-- The validation log: every finding of the standard and of the partner's rules.
CREATE TABLE findings (
    id BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id),
    transaction_set_id BIGINT REFERENCES transaction_sets (id),
    origin TEXT NOT NULL,               -- standard | partner | envelope | engine
    rule TEXT,
    severity TEXT NOT NULL,
    segment_position BIGINT,
    element TEXT,
    byte_offset BIGINT,
    text TEXT NOT NULL,
    detail TEXT                         -- JSON
);
CREATE INDEX findings_by_message ON findings (message_id);

-- Canonical documents, received and to send.
CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
    direction TEXT NOT NULL,
    partner TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- purchase_order | invoice | ship_notice | remittance
    number TEXT NOT NULL,
    order_number TEXT,                  -- the purchase order it belongs to
    message_id BIGINT REFERENCES messages (id),
    transaction_set_id BIGINT REFERENCES transaction_sets (id),
    status TEXT NOT NULL,
    body TEXT NOT NULL,                 -- JSON, as `edigate translate` gives it
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_by_message ON documents (message_id);
CREATE INDEX documents_by_partner ON documents (partner, kind, number);
CREATE INDEX documents_by_order ON documents (partner, order_number);

-- The order book: every purchase order received.
CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    partner TEXT NOT NULL,
    po_number TEXT NOT NULL,
    order_date TEXT,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX orders_by_number ON orders (partner, po_number);

-- 997s and TA1s, ours and theirs, with what they acknowledge.
CREATE TABLE acknowledgements (
    id BIGSERIAL PRIMARY KEY,
    direction TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- 997 | TA1
    message_id BIGINT NOT NULL REFERENCES messages (id),
    partner TEXT,
    interchange_control_number TEXT NOT NULL,
    functional_id TEXT,
    group_control_number TEXT,
    code TEXT NOT NULL,                 -- AK901, or TA104 with TA105
    interchange_id BIGINT REFERENCES interchanges (id),
    group_id BIGINT REFERENCES functional_groups (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX acknowledgements_by_message ON acknowledgements (message_id);
CREATE INDEX acknowledgements_by_group ON acknowledgements (group_id);
CREATE INDEX acknowledgements_by_interchange ON acknowledgements (interchange_id);

CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,                 -- receive | send | deliver
    message_id BIGINT REFERENCES messages (id),
    document_id BIGINT REFERENCES documents (id),
    state TEXT NOT NULL,                -- ready | running | done | failed
    attempts BIGINT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    owner TEXT,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Claims take the due jobs in the order they fell due, straight from the index.
CREATE INDEX jobs_ready ON jobs (state, due_at, id);
CREATE INDEX jobs_by_message ON jobs (message_id);

-- The last control number used, per partner and kind (isa13, gs06).
CREATE TABLE control_numbers (
    partner TEXT NOT NULL,
    name TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (partner, name)
);

-- Every change of state: who or what, when, from what to what.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    note TEXT
);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id);
