import { OrganisationIdInput } from '../../shared/schemas/common';
import { forbidden } from '../errors';
import { getOrganisation } from '../services/organisations';
import { ordersOfFunder } from '../services/orders';
import { organisationProcedure, router } from '../trpc';

export const ordersRouter = router({
  ofFunder: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => {
      if (getOrganisation(ctx.db, input.organisationId).kind !== 'funder') throw forbidden('Cette organisation n’est pas un commanditaire');
      return ordersOfFunder(ctx.db, input.organisationId);
    }),
});
