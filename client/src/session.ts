import { createResource, createSignal } from 'solid-js';
import { DEFAULT_RATIO } from '../../shared/ratio';
import { fetchMe, signIn as apiSignIn, signOut as apiSignOut, type Me } from './api/auth';
import { fetchConfig } from './api/organisations';
import { reconnectRealtime } from './realtime';

/** Who is signed in and which of their organisations they are acting for. */
const [me, { mutate: setMe, refetch: refetchMe }] = createResource(fetchMe);
const [config] = createResource(fetchConfig);

const ORG_KEY = 'aptic.organisation';
const [selectedOrgId, setSelectedOrgId] = createSignal<number | undefined>(Number(localStorage.getItem(ORG_KEY)) || undefined);

export { me, refetchMe };

/** The ratio in force, from the server (falls back to the defaults while loading). */
export const ratio = () => config()?.ratio ?? DEFAULT_RATIO;

/** The national vocabulary of services, from the server (empty while loading). */
export const services = (): readonly string[] => config()?.services ?? [];

/** Demo accounts, listed on the sign-in page only when the server runs the demo. */
export const demoLogins = () => config()?.demoLogins ?? [];

export function currentMembership(user: Me | null | undefined = me()) {
  if (!user) return undefined;
  return user.memberships.find((m) => m.organisationId === selectedOrgId()) ?? user.memberships[0];
}

/** The actor the user acts for: the current organisation if it is one, else their first actor. */
export function actorOrganisationId(): number | undefined {
  const current = currentMembership();
  if (current?.organisationKind === 'actor') return current.organisationId;
  return me()?.memberships.find((m) => m.organisationKind === 'actor')?.organisationId;
}

/** Whether the user belongs to an organisation (permissions are checked again by the server). */
export const isMemberOf = (organisationId: number) => me()?.memberships.some((m) => m.organisationId === organisationId) ?? false;

export function selectOrganisation(organisationId: number) {
  localStorage.setItem(ORG_KEY, String(organisationId));
  setSelectedOrgId(organisationId);
}

export async function signIn(email: string, password: string): Promise<Me> {
  const user = await apiSignIn({ email, password });
  setMe(user);
  reconnectRealtime(); // the socket handshake must carry the new session cookie
  return user;
}

export async function signOut() {
  await apiSignOut();
  setMe(null);
  localStorage.removeItem(ORG_KEY);
  reconnectRealtime();
}

const RETURN_KEY = 'aptic.after-sign-in';

/** Pages worth coming back to after signing in: a pass's QR link and the redemption page. */
const RETURN_PATHS = /^\/(?:pass|lieux\/\d+\/pass)$/;

/**
 * The pass page a signed-out visitor asked for (with its fragment: a pass's QR link carries the
 * code there), kept for this tab only and taken back once signed in. Other private pages land
 * on the visitor's space as before.
 */
export function rememberReturn(location: { pathname: string; search: string; hash: string }): void {
  if (!RETURN_PATHS.test(location.pathname)) return;
  try {
    sessionStorage.setItem(RETURN_KEY, location.pathname + location.search + location.hash);
  } catch {
    // No storage (private mode quotas): the visitor lands on their space instead.
  }
}

/** The page to go back to after signing in, once: only a path of this site. */
export function takeReturn(): string | undefined {
  try {
    const path = sessionStorage.getItem(RETURN_KEY) ?? undefined;
    sessionStorage.removeItem(RETURN_KEY);
    return path && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/connexion') ? path : undefined;
  } catch {
    return undefined;
  }
}
