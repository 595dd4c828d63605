import { z } from 'zod';
import { AmountCents, CommuneCode, DepartementCode, Id, IdempotencyKey, IsoDate, Quantity, ServiceField, ShortText } from './common';

const OrderFields = z.object({
  title: ShortText(140),
  description: z.string().trim().max(4_000).default(''),
  services: z.array(ServiceField).min(1, { error: 'Au moins un service' }).max(20),
  departementCodes: z.array(DepartementCode).max(110).default([]),
  communeCodes: z.array(CommuneCode).max(500).default([]),
  quantity: Quantity,
  unitPriceCents: AmountCents.min(1).default(1_000),
  targetPeople: z.number().int().min(0).max(10_000_000).default(0),
  bidDeadline: IsoDate,
  deliveryStartsOn: IsoDate,
  deliveryEndsOn: IsoDate,
  roundId: Id.nullable().default(null),
  /** Deliveries need a redeemed pass (issue 11): yes unless the funder says otherwise. */
  passRequired: z.boolean().default(true),
  /** The creating funder's share of the budget; defaults to the whole order. */
  shareCents: AmountCents.optional(),
});

type OrderFieldValues = z.infer<typeof OrderFields>;

/** Rules across fields, reported on the field to correct. */
function orderRules(input: OrderFieldValues, ctx: z.RefinementCtx) {
  if (input.departementCodes.length === 0 && input.communeCodes.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['departementCodes'], message: 'Territoire requis : au moins un département ou une commune' });
  }
  if (input.deliveryEndsOn < input.deliveryStartsOn) {
    ctx.addIssue({ code: 'custom', path: ['deliveryEndsOn'], message: 'La fin de réalisation précède son début' });
  }
  if (input.bidDeadline > input.deliveryEndsOn) {
    ctx.addIssue({ code: 'custom', path: ['bidDeadline'], message: 'La date limite des offres doit précéder la fin de réalisation' });
  }
  if (input.shareCents !== undefined && input.shareCents > input.quantity * input.unitPriceCents) {
    ctx.addIssue({ code: 'custom', path: ['shareCents'], message: 'La part dépasse le montant de la commande' });
  }
}

export const CreateOrderInput = OrderFields.extend({ organisationId: Id }).strict().superRefine(orderRules);
export type CreateOrderInput = z.input<typeof CreateOrderInput>;

export const UpdateOrderInput = OrderFields.extend({ orderId: Id }).strict().superRefine(orderRules);
export type UpdateOrderInput = z.input<typeof UpdateOrderInput>;

export const OrderIdInput = z.object({ orderId: Id }).strict();
export type OrderIdInput = z.infer<typeof OrderIdInput>;

export const CoFundInput = z.object({ orderId: Id, organisationId: Id, shareCents: AmountCents.min(1) }).strict();
export type CoFundInput = z.infer<typeof CoFundInput>;

/** A funder records the transfer of (part of) its share into the order's ring-fenced account. */
export const RecordPaymentInput = z
  .object({
    orderId: Id,
    organisationId: Id,
    amountCents: AmountCents.min(1),
    reference: ShortText(80),
    idempotencyKey: IdempotencyKey,
    /** `credit`: from the funder's credit notes (avoirs) instead of a new transfer. */
    source: z.enum(['transfer', 'credit']).default('transfer'),
  })
  .strict();
export type RecordPaymentInput = z.input<typeof RecordPaymentInput>;

/** Open orders an actor may bid on, filtered. */
export const OpenOrdersInput = z
  .object({
    organisationId: Id,
    departementCode: z.string().max(3).optional(),
    service: ServiceField.optional(),
    deadlineBefore: IsoDate.optional(),
  })
  .strict();
export type OpenOrdersInput = z.infer<typeof OpenOrdersInput>;
