import { z } from 'zod';
import { MONTH_PATTERN } from '../domain/months';
import { AmountCents, Id, IdempotencyKey, IsoDate, ShortText } from './common';

/** Inputs of the money procedures (issue 7): settlement, payouts, credits, statements, audit. */

export const Month = z.string().regex(MONTH_PATTERN, { error: 'Mois attendu au format AAAA-MM' });

export const SettlementMonthInput = z.object({ month: Month }).strict();
export const SettlementIdInput = z.object({ settlementId: Id }).strict();

export const MarkPayoutPaidInput = z
  .object({
    payoutId: Id,
    /** The bank transfer's own reference. */
    reference: ShortText(80),
    paidOn: IsoDate,
  })
  .strict();
export type MarkPayoutPaidInput = z.infer<typeof MarkPayoutPaidInput>;

export const CloseOrderInput = z.object({ orderId: Id, reason: z.string().trim().max(500).default('') }).strict();

export const RefundCreditInput = z
  .object({ organisationId: Id, amountCents: AmountCents.min(1), reference: ShortText(80), idempotencyKey: IdempotencyKey })
  .strict();
export type RefundCreditInput = z.infer<typeof RefundCreditInput>;

export const CreditNoteInput = z.object({ creditNoteId: Id }).strict();

export const PlaceStatementInput = z.object({ placeId: Id, month: Month }).strict();
export const FunderStatementInput = z.object({ organisationId: Id, year: z.number().int().min(2000).max(2100).optional() }).strict();

export const AuditTrailInput = z
  .object({
    /** Omitted by the operator for the whole trail. */
    organisationId: Id.optional(),
    before: Id.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
