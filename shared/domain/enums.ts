/** Enum-like values of the domain model (DESIGN §2), shared by the schema, zod and the client. */

/** `prescriber`: an aiguilleur invited by a funder to hand out pass booklets (no SIRET needed). */
export const ORGANISATION_KINDS = ['funder', 'actor', 'partnership', 'operator', 'prescriber'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const FUNDER_KINDS = ['departement', 'region', 'caf', 'commune', 'state', 'company', 'foundation', 'other'] as const;
export type FunderKind = (typeof FUNDER_KINDS)[number];

export const MEMBERSHIP_ROLES = ['admin', 'member'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

export const PLACE_MODES = ['fixed', 'itinerant', 'home'] as const;
export type PlaceMode = (typeof PLACE_MODES)[number];

export const QUALIFICATION_STATUSES = ['applied', 'qualified', 'rejected', 'suspended'] as const;
export type QualificationStatus = (typeof QUALIFICATION_STATUSES)[number];

export const PARTNERSHIP_KINDS = ['cae', 'local', 'consortium'] as const;
export type PartnershipKind = (typeof PARTNERSHIP_KINDS)[number];

export const PARTNERSHIP_MEMBER_STATUSES = ['invited', 'active', 'declined', 'left'] as const;
export type PartnershipMemberStatus = (typeof PARTNERSHIP_MEMBER_STATUSES)[number];

export const PARTNERSHIP_EVENT_KINDS = [
  'created',
  'invited',
  'joined',
  'declined',
  'left',
  'lead_handed_over',
  'draft_opened',
  'bid_submitted',
] as const;
export type PartnershipEventKind = (typeof PARTNERSHIP_EVENT_KINDS)[number];

export const ROUND_STATUSES = ['draft', 'open', 'closed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const ORDER_STATUSES = ['draft', 'open', 'awarding', 'in_delivery', 'completed', 'closed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const BID_STATUSES = ['draft', 'submitted', 'withdrawn', 'awarded', 'rejected'] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

export const LEDGER_ACCOUNT_KINDS = [
  'funder', // the funder's side: money paid in, credit notes paid back
  'order_ringfence', // the ring-fenced account of one order
  'place', // what a place has earned
  'partnership', // pooling fees kept by a partnership
  'payout', // counter-payments sent out to places
  'funder_credit', // credit notes held for a funder: fund another order or refunded
] as const;
export type LedgerAccountKind = (typeof LEDGER_ACCOUNT_KINDS)[number];

export const LEDGER_TRANSACTION_KINDS = ['funding', 'delivery', 'pooling_fee', 'payout', 'credit_note', 'credit_refund'] as const;
export type LedgerTransactionKind = (typeof LEDGER_TRANSACTION_KINDS)[number];

export const PAYOUT_STATUSES = ['pending', 'paid'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** How a delivery is proven: a redeemed pass, or the place's own declaration (orders without pass). */
export const DELIVERY_PROOFS = ['declared', 'pass'] as const;
export type DeliveryProof = (typeof DELIVERY_PROOFS)[number];

/**
 * The anonymous category a prescriber may note when handing a booklet out (never a person):
 * an age band or a situation, as in the Coop de la médiation numérique's anonymous practice.
 */
export const HANDOUT_CATEGORIES = ['age_under_25', 'age_25_59', 'age_60_plus', 'job_seeker', 'senior', 'family', 'disability', 'other'] as const;
export type HandoutCategory = (typeof HANDOUT_CATEGORIES)[number];
