import { z } from 'zod';
import { AmountCents, Id, Quantity } from './common';

export const BidLineInput = z.object({ placeId: Id, quantity: Quantity }).strict();

export const SubmitBidInput = z
  .object({
    orderId: Id,
    /** The bidding organisation: an actor for its own places (partnerships come with their drafts). */
    organisationId: Id,
    unitPriceCents: AmountCents.min(1),
    note: z.string().trim().max(2_000).default(''),
    lines: z.array(BidLineInput).min(1, { error: 'Au moins une ligne' }).max(200),
  })
  .strict()
  .superRefine((input, ctx) => {
    const seen = new Set<number>();
    input.lines.forEach((line, index) => {
      if (seen.has(line.placeId)) ctx.addIssue({ code: 'custom', path: ['lines', index, 'placeId'], message: 'Lieu en double dans l’offre' });
      seen.add(line.placeId);
    });
  });
export type SubmitBidInput = z.input<typeof SubmitBidInput>;

export const BidIdInput = z.object({ bidId: Id }).strict();
export type BidIdInput = z.infer<typeof BidIdInput>;

/** Award lines: for a standing bid, a quantity to one of its place lines. */
export const AwardInput = z
  .object({
    orderId: Id,
    lines: z
      .array(z.object({ bidId: Id, placeId: Id, quantity: Quantity }).strict())
      .min(1, { error: 'Au moins une ligne' })
      .max(500),
  })
  .strict()
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.lines.forEach((line, index) => {
      const key = `${line.bidId}:${line.placeId}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['lines', index, 'placeId'], message: 'Ligne en double' });
      seen.add(key);
    });
  });
export type AwardInput = z.infer<typeof AwardInput>;

export const RejectBidsInput = z.object({ orderId: Id, bidIds: z.array(Id).min(1).max(500) }).strict();
export type RejectBidsInput = z.infer<typeof RejectBidsInput>;
