import { z } from 'zod';
import { PARTNERSHIP_KINDS } from '../domain/enums';
import { MAX_POOLING_FEE_BPS } from '../domain/partnerships';
import { AmountCents, DepartementCode, Id, ShortText } from './common';

export const CreatePartnershipInput = z
  .object({
    /** The actor that creates the partnership and becomes its lead. */
    organisationId: Id,
    kind: z.enum(PARTNERSHIP_KINDS),
    name: ShortText(120),
    departementCodes: z.array(DepartementCode).min(1, { error: 'Au moins un département' }).max(20),
    poolingFeeBps: z
      .number()
      .int()
      .min(0, { error: 'La contribution ne peut pas être négative' })
      .max(MAX_POOLING_FEE_BPS, { error: 'La contribution de mutualisation est plafonnée à 30 % (3 000 points de base)' }),
    charter: z.string().trim().max(4_000).default(''),
  })
  .strict();
export type CreatePartnershipInput = z.input<typeof CreatePartnershipInput>;

export const PartnershipIdInput = z.object({ partnershipId: Id }).strict();
export type PartnershipIdInput = z.infer<typeof PartnershipIdInput>;

export const PartnershipPlaceInput = z.object({ partnershipId: Id, placeId: Id }).strict();
export type PartnershipPlaceInput = z.infer<typeof PartnershipPlaceInput>;

export const RespondInvitationInput = z.object({ partnershipId: Id, placeId: Id, accept: z.boolean() }).strict();
export type RespondInvitationInput = z.infer<typeof RespondInvitationInput>;

export const HandOverLeadInput = z.object({ partnershipId: Id, organisationId: Id }).strict();
export type HandOverLeadInput = z.infer<typeof HandOverLeadInput>;

export const OpenDraftInput = z.object({ partnershipId: Id, orderId: Id }).strict();
export type OpenDraftInput = z.infer<typeof OpenDraftInput>;

/** Every draft edit names the version it was made on: a stale one is refused, never merged. */
const Versioned = { bidId: Id, version: z.number().int().min(1) };

export const EditDraftLineInput = z.object({ ...Versioned, placeId: Id, quantity: z.number().int().min(0).max(1_000_000) }).strict();
export type EditDraftLineInput = z.infer<typeof EditDraftLineInput>;

export const ConfirmDraftLineInput = z.object({ ...Versioned, placeId: Id, confirmed: z.boolean() }).strict();
export type ConfirmDraftLineInput = z.infer<typeof ConfirmDraftLineInput>;

export const EditDraftTermsInput = z
  .object({ ...Versioned, note: z.string().trim().max(2_000), unitPriceCents: AmountCents.min(1) })
  .strict();
export type EditDraftTermsInput = z.infer<typeof EditDraftTermsInput>;

export const SubmitDraftInput = z.object(Versioned).strict();
export type SubmitDraftInput = z.infer<typeof SubmitDraftInput>;

export const DraftInput = z.object({ bidId: Id }).strict();
