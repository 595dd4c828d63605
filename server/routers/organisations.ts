import { OrganisationIdInput } from '../../shared/schemas/common';
import { assertCanReadOrg } from '../permissions';
import { getOrganisation } from '../services/organisations';
import { authedProcedure, router } from '../trpc';

export const organisationsRouter = router({
  get: authedProcedure.input(OrganisationIdInput).query(({ ctx, input }) => {
    assertCanReadOrg(ctx.user, input.organisationId);
    return getOrganisation(ctx.db, input.organisationId);
  }),
});
