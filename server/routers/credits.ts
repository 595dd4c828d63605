import { CreditNoteInput, RefundCreditInput } from '../../shared/schemas/money';
import { OrganisationIdInput } from '../../shared/schemas/common';
import { forbidden } from '../errors';
import { assertCanReadOwned } from '../permissions';
import { getOrganisation } from '../services/organisations';
import { creditNote, creditsOfFunder, refundCredit } from '../services/credits';
import { authedProcedure, organisationProcedure, router } from '../trpc';

/**
 * A funder's credit notes (avoirs): what came back from its orders, used to fund another order
 * (`orders.recordPayment` with `source: 'credit'`) or refunded.
 */
export const creditsRouter = router({
  ofFunder: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => {
      if (getOrganisation(ctx.db, input.organisationId).kind !== 'funder') throw forbidden('Cette organisation n’est pas un commanditaire');
      return creditsOfFunder(ctx.db, input.organisationId);
    }),

  /** One credit note, as a document. */
  note: authedProcedure.input(CreditNoteInput).query(({ ctx, input }) => {
    const note = creditNote(ctx.db, input.creditNoteId);
    assertCanReadOwned(ctx.user, note?.funderOrganisationId, 'Avoir');
    return note!;
  }),

  refund: organisationProcedure()
    .input(RefundCreditInput)
    .mutation(({ ctx, input }) => {
      const result = refundCredit(ctx.db, input, ctx.user.id);
      return { ...result, credits: creditsOfFunder(ctx.db, input.organisationId) };
    }),
});
