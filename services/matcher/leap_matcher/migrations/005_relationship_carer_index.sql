-- Relationships are re-derived after a split from either side (child or carer).
CREATE INDEX IF NOT EXISTS relationship_carer ON relationship (carer_id);
