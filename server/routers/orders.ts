import { OrganisationIdInput } from '../../shared/schemas/common';
import { assertCanReadOrg } from '../permissions';
import { getOrganisation } from '../services/organisations';
import { ordersOfFunder } from '../services/orders';
import { forbidden } from '../errors';
import { authedProcedure, router } from '../trpc';

export const ordersRouter = router({
  ofFunder: authedProcedure.input(OrganisationIdInput).query(({ ctx, input }) => {
    assertCanReadOrg(ctx.user, input.organisationId);
    if (getOrganisation(ctx.db, input.organisationId).kind !== 'funder') throw forbidden('Cette organisation n’est pas un commanditaire');
    return ordersOfFunder(ctx.db, input.organisationId);
  }),
});
