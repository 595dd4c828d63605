import { PlaceInput, PlacesOfOrganisationInput } from '../../shared/schemas/places';
import { assertCanReadOwned } from '../permissions';
import { getPlace, placeOwner, placesOfOrganisation, placesOfPartnership } from '../services/places';
import { authedProcedure, organisationProcedure, router } from '../trpc';

const currentYear = () => new Date().getFullYear();
const readableByMembersAndOperator = organisationProcedure({ operatorMayRead: true });

export const placesRouter = router({
  ofOrganisation: readableByMembersAndOperator.input(PlacesOfOrganisationInput).query(({ ctx, input }) =>
    placesOfOrganisation(ctx.db, input.organisationId, input.year ?? currentYear()),
  ),

  /** Active member places of a partnership, for its members and the operator. */
  ofPartnership: readableByMembersAndOperator.input(PlacesOfOrganisationInput).query(({ ctx, input }) =>
    placesOfPartnership(ctx.db, input.organisationId, input.year ?? currentYear()),
  ),

  get: authedProcedure.input(PlaceInput).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, placeOwner(ctx.db, input.placeId), 'Lieu');
    return getPlace(ctx.db, input.placeId, input.year ?? currentYear());
  }),
});
