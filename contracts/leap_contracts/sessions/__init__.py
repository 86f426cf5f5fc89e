"""People's sessions on the services they reach through the uploader's single sign-on (reporter, matcher).

The uploader is the identity provider: it vouches for a person with a one-use assertion
(:mod:`leap_contracts.identity`), and the service opens a **server-side** session for them
(:mod:`.store`): the cookie holds a random value, the service's own ``people_session`` table its
SHA-256, so a session ends the moment its row goes (sign-out, an admin ending every session).
What the uploader changes about a person (disabled, role changed, password or second factor reset,
every session ended by an admin) reaches the other services as ``SessionsEndedV1`` on
``access.sessions-ended.v1`` (:mod:`.revocation`), written to the uploader's outbox in the same
transaction as the change; each service deletes the person's sessions when it reads it.
"""
