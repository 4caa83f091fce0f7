-- Sign-ins through OpenID Connect between the redirect to the identity provider and its
-- callback (crates/store/src/oidc.rs). The browser holds a random key in a short-lived
-- cookie; the row, found by the key's SHA-256, holds what must not travel through the
-- browser (the PKCE verifier) and what the callback must match (state, nonce). In the
-- database rather than in a node's memory, so that the callback may reach any node.
-- A row is deleted when its callback takes it (one use) or, once expired, by the next start.
CREATE TABLE oidc_logins (
    id_hash       TEXT PRIMARY KEY,  -- hex SHA-256 of the cookie's random key
    flow          TEXT NOT NULL,     -- 'citizen' | 'staff'
    state         TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to     TEXT NOT NULL,     -- a path on this site, after sign-in
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX oidc_logins_by_expiry ON oidc_logins (expires_at);
