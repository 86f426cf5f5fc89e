-- The delivery contract's tables, in every service's own schema: events consumed
-- (inbox), events to publish (outbox), messages given up on (dead_letter).
CREATE TABLE IF NOT EXISTS inbox (
    event_id    uuid PRIMARY KEY,
    topic       text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS outbox (
    id         bigserial PRIMARY KEY,
    topic      text NOT NULL,
    key        text NOT NULL,
    value      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS dead_letter (
    id              bigserial PRIMARY KEY,
    topic           text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset    bigint NOT NULL,
    error           text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
