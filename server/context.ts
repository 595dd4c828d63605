import type { Db } from '../db/client';
import type { SignInLimits } from './auth/rate-limit';
import type { Env } from './env';
import type { EventBus } from './realtime/bus';
import type { SessionUser } from './services/auth';

/** What lives as long as the process: shared by every request and socket. */
export interface AppDeps {
  db: Db;
  bus: EventBus;
  /** Parsed settings. Not `env`: @hono/trpc-server overwrites that key with Hono's bindings. */
  config: Env;
  limits: SignInLimits;
}

/** What one request knows about its caller; filled by the Hono adapter in server/app.ts. */
export interface RequestInfo {
  user: SessionUser | undefined;
  sessionToken: string | undefined;
  ip: string;
  secure: boolean;
  /** Scheme, host and port the caller reached us at: absolute links in answers (the OCDS package's uri). */
  origin: string;
  /** Adds a Set-Cookie header to the response. */
  setCookie: (header: string) => void;
}

export type Context = AppDeps & RequestInfo;

/** The inner context factory: tests call it directly with `appRouter.createCaller`. */
export function createContext(deps: AppDeps, request: Partial<RequestInfo> = {}): Context {
  return {
    ...deps,
    user: request.user,
    sessionToken: request.sessionToken,
    ip: request.ip ?? 'local',
    secure: request.secure ?? false,
    origin: request.origin ?? 'http://localhost',
    setCookie: request.setCookie ?? (() => {}),
  };
}
