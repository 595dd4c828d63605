import type { RefundCreditInput } from '../../../shared/schemas/money';
import { trpc } from './client';

/** A funder's money after its orders (issue 7): credit notes, refunds, closing, spending statement. */

export const fetchCredits = (organisationId: number) => trpc.credits.ofFunder.query({ organisationId });
export const fetchCreditNote = (creditNoteId: number) => trpc.credits.note.query({ creditNoteId });
export const refundCredit = (input: RefundCreditInput) => trpc.credits.refund.mutate(input);
export const closeOrder = (orderId: number, reason = '') => trpc.orders.close.mutate({ orderId, reason });
export const fetchFunderStatement = (organisationId: number, year?: number) => trpc.statements.funder.query({ organisationId, year });
export const fetchFunderStatementCsv = (organisationId: number, year?: number) => trpc.statements.funderCsv.query({ organisationId, year });

export type Credits = Awaited<ReturnType<typeof fetchCredits>>;
export type CreditNoteSummary = Credits['notes'][number];
export type CreditRefund = Credits['refunds'][number];
export type CreditNote = Awaited<ReturnType<typeof fetchCreditNote>>;
export type CloseResult = Awaited<ReturnType<typeof closeOrder>>;
export type FunderStatement = Awaited<ReturnType<typeof fetchFunderStatement>>;
export type FunderStatementLine = FunderStatement['lines'][number];
