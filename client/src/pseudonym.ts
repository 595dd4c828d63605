/**
 * A beneficiary's pseudonymous reference (DESIGN §2): the SHA-256, in hex, of what the place
 * uses locally to recognise the person. The raw text never leaves the browser. The
 * organisation's id is mixed in so that the same local reference in two organisations gives two
 * unrelated hashes, and a short reference cannot be looked up in a table of common values.
 */
export async function beneficiaryRef(organisationId: number, localReference: string): Promise<string> {
  if (!crypto.subtle) throw new Error('crypto.subtle unavailable: the page must be served over HTTPS');
  const data = new TextEncoder().encode(`aptic:${organisationId}:${localReference.trim()}`);
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hashing needs a secure context (HTTPS or localhost). */
export const canPseudonymise = () => typeof crypto !== 'undefined' && !!crypto.subtle;
