-- Tolerant linkage compares two more non-identifying attributes (leap_matcher.domain.tolerant.scoring):
-- ethnicity and first language as recorded, shared by a family, never a token. Records stored before this
-- migration have neither (compared as missing).
ALTER TABLE tolerant_record ADD COLUMN ethnicity text, ADD COLUMN first_language text;
