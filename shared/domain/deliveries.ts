/**
 * A beneficiary is recorded by a pseudonymous reference: a hash computed in the browser
 * (SHA-256, hex) from whatever the place uses locally. The server only accepts hashes, so a
 * name cannot be stored by mistake.
 */
export const BENEFICIARY_REF_PATTERN = /^[0-9a-f]{16,64}$/;

/** Client-supplied idempotency keys: UUIDs or similar opaque tokens. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,100}$/;

export const MAX_DELIVERY_BATCH = 1_000;
