-- Reliable messaging: events consumed (inbox) and messages given up on.
-- The reporter publishes nothing, so it has no outbox.
CREATE TABLE inbox (
    event_id    uuid PRIMARY KEY,
    topic       text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dead_letter (
    id          bigserial PRIMARY KEY,
    topic       text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset bigint NOT NULL,
    error       text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- The consumer group the service joins at start. `python -m leap_reporter.rebuild`
-- switches it to a fresh group, which reads every topic from the beginning.
CREATE TABLE consumer_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    group_id  text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO consumer_state (group_id) VALUES ('leap-reporter');
