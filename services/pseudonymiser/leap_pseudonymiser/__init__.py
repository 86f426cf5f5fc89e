"""The pseudonymiser service: validated records in, tokens out; no clear identifier leaves it."""
