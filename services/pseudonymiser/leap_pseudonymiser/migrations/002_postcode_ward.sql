-- Postcode -> ward lookup, loaded from the ONS Postcode Directory (restricted zone only).
CREATE TABLE postcode_ward (
    postcode  text PRIMARY KEY,   -- canonical 'OUTWARD INWARD'
    ward_code text NOT NULL,
    ward_name text
);
