import { AuditTrailInput } from '../../shared/schemas/money';
import { forbidden } from '../errors';
import { assertCanReadOrg, isOperator } from '../permissions';
import { auditTrail } from '../services/audit';
import { authedProcedure, router } from '../trpc';

/** The audit trail (issue 7): an organisation reads what concerns it; the operator reads everything. */
export const auditRouter = router({
  list: authedProcedure.input(AuditTrailInput).query(({ ctx, input }) => {
    if (input.organisationId === undefined) {
      if (!isOperator(ctx.user)) throw forbidden('Réservé à l’opérateur du dispositif');
    } else assertCanReadOrg(ctx.user, input.organisationId);
    return auditTrail(ctx.db, { organisationId: isOperator(ctx.user) && input.organisationId === undefined ? undefined : input.organisationId, before: input.before, limit: input.limit });
  }),
});
