import { z } from 'zod';
import type { ImportStatus } from './domain/delivery-import';
import type { PassCounts } from './domain/passes';

/**
 * Socket.io contract (DESIGN §4), typed once for server and client.
 * Rooms: `national`, `org:ID`, `place:ID`, `partnership:ID`, `order:ID`, `round:ID`, `draft:BID`, `import:ID` for signed-in
 * users with a right to them; `public` and `public:round:ID` carry aggregates only and are the
 * only rooms a signed-out socket may join.
 */
// Ids without leading zeros, so that one room has one name.
export const ROOM_PATTERN = /^(?:public|national|public:round:[1-9]\d{0,14}|(?:org|place|partnership|order|round|draft|import):[1-9]\d{0,14})$/;
export const RoomName = z.string().max(40).regex(ROOM_PATTERN, { error: 'Salon inconnu' });
export type RoomName = string;

export type RoomKind = 'public' | 'public-round' | 'national' | 'org' | 'place' | 'partnership' | 'order' | 'round' | 'draft' | 'import';

export interface ParsedRoom {
  kind: RoomKind;
  id?: number;
}

export function parseRoom(room: string): ParsedRoom | undefined {
  if (!ROOM_PATTERN.test(room)) return undefined;
  if (room === 'public') return { kind: 'public' };
  if (room === 'national') return { kind: 'national' };
  if (room.startsWith('public:round:')) return { kind: 'public-round', id: Number(room.slice('public:round:'.length)) };
  const [kind, id] = room.split(':') as [RoomKind, string];
  return { kind, id: Number(id) };
}

export function isPublicRoom(room: string): boolean {
  const parsed = parseRoom(room);
  return parsed?.kind === 'public' || parsed?.kind === 'public-round';
}

/** Payload of each event type. Aggregates only in public rooms. */
export interface EventPayloads {
  'place.figures': {
    placeId: number;
    year: number;
    servicesDelivered: number;
    revenueDeliveredCents: number;
    revenueCommittedCents: number;
    servicesCommitted: number;
    beneficiaries: number;
    /** Delivered revenue in a monthly payout (the rest is estimated), and the part of it paid. */
    revenueSettledCents: number;
    revenuePaidCents: number;
  };
  'place.status': { placeId: number; status: string };
  /** An order changed: status, bid count, amounts funded / awarded / delivered. Never bid content. */
  'order.updated': { orderId: number; status: string; bidCount: number; fundedCents: number; awardedCents: number; deliveredCents: number };
  'qualification.queue': { placeId: number; status: string };
  /** A membership step, a lead hand-over or a submitted bid in a partnership. */
  'partnership.updated': { partnershipId: number; kind: string; placeId: number | null; status: string | null };
  /** A partnership's draft bid after a write: members only, so its content may travel. */
  'draft.updated': {
    bidId: number;
    version: number;
    status: string;
    note: string;
    unitPriceCents: number;
    lines: { placeId: number; quantity: number; confirmed: boolean }[];
  };
  /**
   * A round dashboard's new state (aggregates only; the public room gets the whitelisted copy),
   * with the lines of its live feed that changed since the room's previous message, oldest change
   * first: one message per flush, whatever the number of orders moving. Feed lines carry order
   * titles and amounts, never a person.
   */
  'round.updated': { roundId: number; dashboard: Record<string, unknown>; activity: RoundActivity[] };
  /** The national dashboard's new state. */
  'national.updated': { year: number; dashboard: Record<string, unknown> };
  /** Who has the draft open right now. */
  'draft.presence': { bidId: number; viewers: { userId: number; name: string }[] };
  'notice': { message: string };
  /**
   * An order's pass counts after an issue, an assignment, a hand-out or a redemption: to its
   * funders' rooms and to the rooms of the prescribers holding its booklets. Counts only.
   */
  'passes.updated': PassCounts;
  /** A delivery import's progress (its uploader, its organisation, the operator): counts so far, `done` at the end. */
  'import.progress': ImportProgress;
}
export type EventType = keyof EventPayloads;

export interface RoundActivity {
  roundId: number;
  orderId: number;
  kind: 'order_published' | 'bids_changed' | 'award_made' | 'deliveries';
  orderTitle: string;
  /** Bid count, awarded or delivered services, depending on the kind. */
  count: number;
  amountCents: number;
  at: string;
}

export interface ImportProgress {
  importId: number;
  status: ImportStatus;
  processedRows: number;
  totalRows: number;
  accepted: number;
  duplicates: number;
  refused: number;
  done: boolean;
}

/** One message of a room: `seq` grows by one per room, so a client can see a gap and refetch. */
export interface RoomMessage<T extends EventType = EventType> {
  room: RoomName;
  seq: number;
  type: T;
  payload: EventPayloads[T];
  at: string;
}

export type JoinResult = { ok: true; room: RoomName; seq: number } | { ok: false; room: string; error: 'invalid_room' | 'forbidden' };

export interface ServerToClientEvents {
  event: (message: RoomMessage) => void;
}

export interface ClientToServerEvents {
  join: (room: string, ack: (result: JoinResult) => void) => void;
  leave: (room: string, ack?: (result: { ok: boolean }) => void) => void;
}
