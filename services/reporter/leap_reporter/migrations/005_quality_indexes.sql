-- Data-quality figures read per upload and per provider/service, never every engagement:
-- each upload's first and last engagement date are two index probes, and the months a
-- provider's service covers a loose index scan (one probe per month; leap_reporter.adapters.quality).
-- Both indexes hold many equal keys, which B-tree deduplication stores compactly.
CREATE INDEX engagement_upload_date ON engagement (upload_id, engagement_date);
CREATE INDEX engagement_provider_service_date ON engagement (provider_id, service_code, engagement_date);
