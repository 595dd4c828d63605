import { OrganisationIdInput } from '../../shared/schemas/common';
import { getOrganisation } from '../services/organisations';
import { organisationProcedure, router } from '../trpc';

export const organisationsRouter = router({
  get: organisationProcedure({ operatorMayRead: true })
    .input(OrganisationIdInput)
    .query(({ ctx, input }) => getOrganisation(ctx.db, input.organisationId)),
});
