import { z } from 'zod';
import { HANDOUT_CATEGORIES } from '../domain/enums';
import { normalizePassCode, passCodeProblem } from '../domain/pass-codes';
import { CommuneCode, DepartementCode, Email, Id, IsoDate, ServiceField, ShortText } from './common';

/** Pass per booklet unless the funder chooses otherwise. */
export const DEFAULT_BOOKLET_SIZE = 10;
/** Booklets one call may issue, and pass in all. */
export const MAX_BOOKLETS_PER_ISSUE = 1_000;
export const MAX_PASSES_PER_ISSUE = 10_000;

/** A typed or scanned code, read the forgiving way; a typo is refused here, before any lookup. */
export const PassCode = z
  .string()
  .max(40)
  .superRefine((typed, ctx) => {
    const problem = passCodeProblem(typed);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((typed) => normalizePassCode(typed)!);

export const IssueBookletsInput = z
  .object({
    orderId: Id,
    /** The funder (or co-funder) issuing: a member of it calls. */
    organisationId: Id,
    booklets: z.number().int().min(1, { error: 'Au moins un carnet' }).max(MAX_BOOKLETS_PER_ISSUE, { error: `${MAX_BOOKLETS_PER_ISSUE} carnets au plus par émission` }),
    size: z.number().int().min(1, { error: 'Au moins 1 pass par carnet' }).max(100, { error: '100 pass au plus par carnet' }).default(DEFAULT_BOOKLET_SIZE),
  })
  .strict()
  // One issue is one transaction: bounded so that it never holds the write lock for long.
  .refine((input) => input.booklets * input.size <= MAX_PASSES_PER_ISSUE, {
    path: ['booklets'],
    error: `${MAX_PASSES_PER_ISSUE} pass au plus par émission`,
  });
export type IssueBookletsInput = z.input<typeof IssueBookletsInput>;

export const InvitePrescriberInput = z
  .object({
    /** The inviting funder. */
    organisationId: Id,
    name: ShortText(140),
    contactName: ShortText(120),
    contactEmail: Email,
    departementCode: DepartementCode,
    communeCode: CommuneCode.nullable().default(null),
  })
  .strict();
export type InvitePrescriberInput = z.input<typeof InvitePrescriberInput>;

export const RenewInvitationInput = z.object({ organisationId: Id, prescriberOrganisationId: Id }).strict();
export type RenewInvitationInput = z.infer<typeof RenewInvitationInput>;

export const AssignBookletsInput = z
  .object({
    organisationId: Id,
    bookletIds: z.array(Id).min(1, { error: 'Au moins un carnet' }).max(1_000),
    /** The prescriber organisation; null takes the booklets back (only if none was handed out). */
    prescriberOrganisationId: Id.nullable(),
  })
  .strict();
export type AssignBookletsInput = z.infer<typeof AssignBookletsInput>;

export const HandOutBookletInput = z
  .object({
    /** The prescriber organisation the caller acts for. */
    organisationId: Id,
    bookletId: Id,
    handedOutOn: IsoDate,
    category: z.enum(HANDOUT_CATEGORIES, { error: 'Catégorie inconnue' }).nullable().default(null),
  })
  .strict();
export type HandOutBookletInput = z.input<typeof HandOutBookletInput>;

export const BookletIdInput = z.object({ bookletId: Id }).strict();
export type BookletIdInput = z.infer<typeof BookletIdInput>;

export const RedeemPassInput = z
  .object({
    /** The place delivering: a member of its actor calls. */
    placeId: Id,
    code: PassCode,
    service: ServiceField,
    /** Defaults to today; earlier days of the delivery window are allowed during the grace month. */
    deliveredOn: IsoDate.optional(),
  })
  .strict();
export type RedeemPassInput = z.input<typeof RedeemPassInput>;

export const OrderPassesInput = z.object({ orderId: Id }).strict();
export type OrderPassesInput = z.infer<typeof OrderPassesInput>;

export const ExportPassesInput = z
  .object({
    orderId: Id,
    organisationId: Id,
    /** Some booklets only; all of the order's by default. */
    bookletIds: z.array(Id).max(1_000).optional(),
  })
  .strict();
export type ExportPassesInput = z.infer<typeof ExportPassesInput>;

export const CheckPassInput = z.object({ placeId: Id, code: PassCode }).strict();
export type CheckPassInput = z.input<typeof CheckPassInput>;

export const InvitationTokenInput = z.object({ token: z.string().min(20).max(100) }).strict();
