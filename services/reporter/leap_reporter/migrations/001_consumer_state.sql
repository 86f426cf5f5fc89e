-- The consumer group the service joins at start. `python -m leap_reporter.rebuild`
-- switches it to a fresh group, which reads every topic from the beginning.
CREATE TABLE IF NOT EXISTS consumer_state (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    group_id   text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO consumer_state (group_id) VALUES ('leap-reporter') ON CONFLICT DO NOTHING;
