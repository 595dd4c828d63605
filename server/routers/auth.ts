import { AcceptInvitationInput, ChangePasswordInput, SetLocaleInput, SignInInput } from '../../shared/schemas/auth';
import { InvitationTokenInput } from '../../shared/schemas/passes';
import { acceptInvitation, invitationOf } from '../services/invitations';
import { clearedSessionCookie, sessionCookie } from '../auth/cookie';
import { authenticate, changePassword, createSession, deleteSession, resolveSession, setLocale } from '../services/auth';
import type { Context } from '../context';
import { authedProcedure, publicProcedure, router } from '../trpc';

/** A new session for the user, its cookie set on the answer; returns the token. */
function startSession(ctx: Context, userId: number): string {
  const { token } = createSession(ctx.db, userId, ctx.config.SESSION_TTL_DAYS);
  ctx.setCookie(sessionCookie(token, { maxAgeSeconds: ctx.config.SESSION_TTL_DAYS * 86_400, secure: ctx.secure }));
  return token;
}

export const authRouter = router({
  signIn: publicProcedure.input(SignInInput).mutation(async ({ ctx, input }) => {
    const { userId } = await authenticate(ctx.db, input, { ip: ctx.ip, limits: ctx.limits });
    // Rotation: the session this browser came with (anyone's) ends; a new token is issued.
    if (ctx.sessionToken) deleteSession(ctx.db, ctx.sessionToken);
    return resolveSession(ctx.db, startSession(ctx, userId))!;
  }),

  signOut: authedProcedure.mutation(({ ctx }) => {
    deleteSession(ctx.db, ctx.sessionToken);
    ctx.bus.rightsChanged({ userId: ctx.user.id });
    ctx.setCookie(clearedSessionCookie(ctx.secure));
    return { ok: true as const };
  }),

  /** The signed-in user and their organisations, or null: the client's first call. */
  me: publicProcedure.query(({ ctx }) => ctx.user ?? null),

  /**
   * A new password: checked against the current one (under the sign-in limits), then every
   * session of the user ends — other browsers are signed out — and this one gets a new token.
   */
  changePassword: authedProcedure.input(ChangePasswordInput).mutation(async ({ ctx, input }) => {
    await changePassword(ctx.db, ctx.user.id, input, ctx.limits);
    // Every socket of the user had a session that just ended: each is disconnected.
    ctx.bus.rightsChanged({ userId: ctx.user.id });
    startSession(ctx, ctx.user.id);
    return { ok: true as const };
  }),

  /** Who an invitation link is for (before choosing a password); refused once used or expired. */
  invitation: publicProcedure.input(InvitationTokenInput).query(({ ctx, input }) => invitationOf(ctx.db, input.token)),

  /** The invited person chooses a password with the link, and is signed in. The link then stops working. */
  acceptInvitation: publicProcedure.input(AcceptInvitationInput).mutation(async ({ ctx, input }) => {
    const userId = await acceptInvitation(ctx.db, input);
    if (ctx.sessionToken) deleteSession(ctx.db, ctx.sessionToken);
    return resolveSession(ctx.db, startSession(ctx, userId))!;
  }),

  setLocale: authedProcedure.input(SetLocaleInput).mutation(({ ctx, input }) => {
    setLocale(ctx.db, ctx.user.id, input.locale);
    return { locale: input.locale };
  }),
});
