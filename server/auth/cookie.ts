import { parse, serialize } from 'hono/utils/cookie';

export const SESSION_COOKIE = 'aptic_session';

export function readSessionToken(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parse(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE];
}

/** HttpOnly (no script reads it), SameSite=Lax (no cross-site POST carries it), Secure on HTTPS. */
export function sessionCookie(token: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return serialize(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: options.secure,
    path: '/',
    maxAge: options.maxAgeSeconds,
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge: 0 });
}
