import type { MarkPayoutPaidInput } from '../../../shared/schemas/money';
import { trpc } from './client';

/** Money after delivery (issue 7): monthly settlement and payouts, statements, safeguarding, audit trail. */

export const fetchSettlements = () => trpc.settlements.list.query();
export const runSettlement = (month: string) => trpc.settlements.run.mutate({ month });
export const fetchPayouts = (settlementId: number) => trpc.settlements.payouts.query({ settlementId });
export const markPayoutPaid = (input: MarkPayoutPaidInput) => trpc.settlements.markPaid.mutate(input);
export const fetchPayoutsOfPlace = (placeId: number) => trpc.settlements.ofPlace.query({ placeId });

export type Settlement = Awaited<ReturnType<typeof fetchSettlements>>[number];
export type SettlementRun = Awaited<ReturnType<typeof runSettlement>>;
export type Payout = Awaited<ReturnType<typeof fetchPayouts>>[number];
export type PayoutStatus = Payout['status'];

export const fetchPlaceStatement = (input: { placeId: number; month: string }) => trpc.statements.place.query(input);
export const fetchPlaceStatementCsv = (input: { placeId: number; month: string }) => trpc.statements.placeCsv.query(input);

export type PlaceStatement = Awaited<ReturnType<typeof fetchPlaceStatement>>;
export type StatementStatus = PlaceStatement['status'];

export const fetchSafeguarding = () => trpc.ledger.safeguarding.query();

export type SafeguardingReport = Awaited<ReturnType<typeof fetchSafeguarding>>;
export type SafeguardingLine = SafeguardingReport['orders'][number];

/** The trail of an organisation, or the whole trail (operator) without one; newest first, paged by id. */
export const fetchAuditTrail = (input: { organisationId?: number; before?: number; limit?: number }) =>
  trpc.audit.list.query({ limit: 50, ...input });

export type AuditEvent = Awaited<ReturnType<typeof fetchAuditTrail>>[number];
