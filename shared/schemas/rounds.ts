import { z } from 'zod';
import { AmountCents, DepartementCode, Id, IsoDate, ShortText } from './common';

export const CreateRoundInput = z
  .object({
    name: ShortText(140),
    departementCodes: z.array(DepartementCode).min(1, { error: 'Au moins un département' }).max(110),
    opensOn: IsoDate,
    closesOn: IsoDate,
    targetCents: AmountCents.min(1),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.closesOn < input.opensOn) ctx.addIssue({ code: 'custom', path: ['closesOn'], message: 'La clôture précède l’ouverture' });
  });
export type CreateRoundInput = z.infer<typeof CreateRoundInput>;

export const RoundIdInput = z.object({ roundId: Id }).strict();
export type RoundIdInput = z.infer<typeof RoundIdInput>;

export const AttachOrderInput = z.object({ roundId: Id, orderId: Id }).strict();
export type AttachOrderInput = z.infer<typeof AttachOrderInput>;
