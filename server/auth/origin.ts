/**
 * CSRF defence for mutations: the browser's Origin header must be the site itself (the request's
 * own scheme and host) or one of the configured ALLOWED_ORIGINS. A request without Origin is
 * refused too: every browser sends it on POST, and API clients can set it.
 */
export function isAllowedOrigin(
  origin: string | null | undefined,
  request: { host: string | null | undefined; protocol: string },
  allowed: readonly string[],
): boolean {
  if (!origin) return false;
  if (allowed.includes(origin)) return true;
  if (!request.host) return false;
  return origin === `${request.protocol}//${request.host}`;
}
