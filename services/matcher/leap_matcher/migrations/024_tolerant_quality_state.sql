-- When the linkage-quality figures must be measured again (leap_matcher.service.tolerant_quality): every
-- tolerant linking transaction bumps ``changed``; the measurer records in its own row the ``changed`` it measured,
-- so measuring never writes a row the linkers write.
CREATE TABLE tolerant_quality_changed (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    changed bigint NOT NULL DEFAULT 0
);
INSERT INTO tolerant_quality_changed DEFAULT VALUES;
CREATE TABLE tolerant_quality_measured (
    one      boolean PRIMARY KEY DEFAULT true CHECK (one),
    measured bigint NOT NULL DEFAULT 0
);
INSERT INTO tolerant_quality_measured DEFAULT VALUES;
