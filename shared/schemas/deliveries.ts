import { z } from 'zod';
import { BENEFICIARY_REF_PATTERN, MAX_DELIVERY_BATCH } from '../domain/deliveries';
import { Id, IdempotencyKey, IsoDate, Quantity, ServiceField } from './common';

export const DeliveryFields = z
  .object({
    awardId: Id,
    quantity: Quantity.max(10_000),
    deliveredOn: IsoDate,
    service: ServiceField,
    beneficiaryRef: z.string().regex(BENEFICIARY_REF_PATTERN, {
      error: 'Référence bénéficiaire pseudonyme attendue (empreinte hexadécimale, jamais un nom)',
    }),
    idempotencyKey: IdempotencyKey,
  })
  .strict();

export const RecordDeliveryInput = DeliveryFields;
export type RecordDeliveryInput = z.infer<typeof RecordDeliveryInput>;

export const RecordDeliveryBatchInput = z
  .object({ rows: z.array(z.unknown()).min(1).max(MAX_DELIVERY_BATCH, { error: `${MAX_DELIVERY_BATCH} lignes au plus par lot` }) })
  .strict();
export type RecordDeliveryBatchInput = { rows: RecordDeliveryInput[] };

export const AwardIdInput = z.object({ awardId: Id }).strict();
