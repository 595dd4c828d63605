import { toFrenchCsv } from '../../../shared/csv';
import type { ExportPassesInput } from '../../../shared/schemas/passes';
import { forbidden } from '../../errors';
import type { SessionUser } from '../auth';
import { audit } from '../audit';
import { assertFunderOfOrder, bookletsOfOrder, bookletWithCodes, fundersOfOrder } from './booklets';
import type { Db } from '../../../db/client';

/** Only a funder of the order exports its codes, and only booklets of that order. */
export function assertBookletsExport(db: Db, user: SessionUser, input: ExportPassesInput): void {
  assertFunderOfOrder(db, user, input.orderId, input.organisationId);
  if (input.bookletIds?.length) {
    const ofOrder = new Set(bookletsOfOrder(db, input.orderId).map((b) => b.id));
    if (input.bookletIds.some((id) => !ofOrder.has(id))) throw forbidden();
  }
}

/**
 * One line per pass: booklet, rank, code, order, validity, whether redeemed. The export is
 * written in the audit trail: codes are worth money.
 */
export function passesCsv(db: Db, user: SessionUser, input: ExportPassesInput) {
  const ids = input.bookletIds?.length ? input.bookletIds : bookletsOfOrder(db, input.orderId).map((b) => b.id);
  const rows: (string | number)[][] = [];
  for (const id of ids) {
    const booklet = bookletWithCodes(db, user, id);
    for (const pass of booklet.passes) {
      rows.push([booklet.number, pass.rank, pass.code, booklet.order.title, booklet.order.deliveryStartsOn, booklet.order.validUntil, pass.redeemedAt ? 'oui' : 'non']);
    }
  }
  audit(db, {
    userId: user.id,
    action: 'passes.exported',
    subjectType: 'order',
    subjectId: input.orderId,
    detail: { booklets: ids.length },
    parties: fundersOfOrder(db, input.orderId).map((f) => f.organisationId),
  });
  return {
    fileName: `pass-commande-${input.orderId}.csv`,
    csv: toFrenchCsv(['carnet', 'rang', 'code', 'commande', 'valable_du', 'valable_jusqu_au', 'utilise'], rows),
  };
}
