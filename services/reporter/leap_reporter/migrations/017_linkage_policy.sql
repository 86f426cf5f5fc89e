-- Which linkage the published reach uses (an admin's setting, issue 18; not built from events, so a rebuild
-- keeps it), and every attempt to change it, allowed or refused.
CREATE TABLE linkage_policy (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    published  text        NOT NULL DEFAULT 'exact' CHECK (published IN ('exact', 'tolerant')),
    changed_by text,
    changed_at timestamptz
);
INSERT INTO linkage_policy DEFAULT VALUES;

CREATE TABLE linkage_policy_audit (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,
    asked     text NOT NULL,
    outcome   text NOT NULL                       -- 'changed', 'unchanged' or the refusal
);
