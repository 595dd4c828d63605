import { randomBytes } from 'node:crypto';
import { OrganisationIdInput } from '../../shared/schemas/common';
import { InvitePrescriberInput, RenewInvitationInput } from '../../shared/schemas/passes';
import { hashPassword } from '../auth/password';
import { bookletsOfPrescriber, invitePrescriber, prescribersOfFunder, renewInvitation } from '../services/passes/prescribers';
import { costly, organisationProcedure, router } from '../trpc';

/** Prescribers (aiguilleurs) invited by funders to hand pass booklets out (issue 11). */
export const prescribersRouter = router({
  /**
   * A funder invites a prescriber organisation; a contact without an account gets a one-time
   * link (returned, for the funder to pass on) to choose a password. Membership is checked and
   * the call counted before the slow hash of the placeholder password.
   */
  invite: organisationProcedure()
    .use(costly)
    .input(InvitePrescriberInput)
    .mutation(async ({ ctx, input }) => {
      const unusable = await hashPassword(randomBytes(24).toString('base64url'));
      return invitePrescriber(ctx.db, ctx.user, input, unusable);
    }),

  /** A new link for a contact who never chose a password; the earlier ones stop working. */
  renewInvitation: organisationProcedure()
    .input(RenewInvitationInput)
    .mutation(({ ctx, input }) => renewInvitation(ctx.db, ctx.user, input)),

  /** The funder's prescribers and what they hold. */
  ofFunder: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => prescribersOfFunder(ctx.db, input.organisationId)),

  /** The booklets a prescriber holds: its members only. */
  booklets: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => bookletsOfPrescriber(ctx.db, input.organisationId)),
});
