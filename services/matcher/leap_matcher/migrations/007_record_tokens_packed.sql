-- A record's tokens as one bytea: its 32-byte tokens back to back (the contract pins a token to 64 hex
-- digits). One value to encode, store and log instead of an array of them; individuals.unpacked reads it.
ALTER TABLE record ADD COLUMN packed_tokens bytea;
UPDATE record r SET packed_tokens = (SELECT string_agg(t, ''::bytea ORDER BY o) FROM unnest(r.tokens) WITH ORDINALITY AS u(t, o));
ALTER TABLE record DROP COLUMN tokens;
ALTER TABLE record RENAME COLUMN packed_tokens TO tokens;
ALTER TABLE record ALTER COLUMN tokens SET NOT NULL;

-- Whether packed tokens hold a token (at a token boundary).
CREATE FUNCTION holds_token(tokens bytea, token bytea) RETURNS boolean IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE sql AS $$
    SELECT EXISTS (SELECT FROM generate_series(1, length(tokens), 32) AS i WHERE substring(tokens FROM i FOR 32) = token)
$$;
