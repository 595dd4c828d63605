import { randomBytes } from 'node:crypto';
import { OrganisationIdInput } from '../../shared/schemas/common';
import { InvitePrescriberInput } from '../../shared/schemas/passes';
import { hashPassword } from '../auth/password';
import { bookletsOfPrescriber, invitePrescriber, prescribersOfFunder } from '../services/passes/prescribers';
import { authedProcedure, organisationProcedure, router } from '../trpc';

/** Prescribers (aiguilleurs) invited by funders to hand pass booklets out (issue 11). */
export const prescribersRouter = router({
  /**
   * A funder invites a prescriber organisation; a contact without an account gets a one-time
   * link (returned, for the funder to pass on) to choose a password.
   */
  invite: authedProcedure.input(InvitePrescriberInput).mutation(async ({ ctx, input }) => {
    const unusable = await hashPassword(randomBytes(24).toString('base64url'));
    return invitePrescriber(ctx.db, ctx.user, input, unusable);
  }),

  /** The funder's prescribers and what they hold. */
  ofFunder: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => prescribersOfFunder(ctx.db, input.organisationId)),

  /** The booklets a prescriber holds: its members only. */
  booklets: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => bookletsOfPrescriber(ctx.db, input.organisationId)),
});
