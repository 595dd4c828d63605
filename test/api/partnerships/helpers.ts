import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { TRPCClientError } from '@trpc/client';
import type { Db } from '../../../db/client';
import type { CreatePartnershipInput } from '../../../shared/schemas/partnerships';
import type { CreateOrderInput } from '../../../shared/schemas/orders';
import { makeMember, makePlace } from '../../factories';
import { beneficiaryRef } from '../../factories/marketplace';
import { createTestApp, type TestApp } from '../../setup/app';
import { fundedOrder, key, sessionFor, snapshot, today } from '../marketplace/helpers';

/**
 * Shared set-up of the partnership API tests: a fresh app with signed-in clients for a lead
 * actor, a partner actor, a third actor, an outsider, a funder and the operator, each actor with
 * a qualified place in the Finistère, and helpers that drive every step through the real API.
 */

type Api = ReturnType<TestApp['client']>['api'];

/** Every row a partnership step may write: the marketplace tables, the history and the memberships. */
export function fullSnapshot(db: Db): Record<string, unknown[]> {
  const extra = ['partnership_events', 'memberships'].map((table) => [table, db.$client.prepare(`select * from ${table} order by rowid`).all()]);
  return { ...snapshot(db), ...Object.fromEntries(extra) };
}

export async function partnershipWorld() {
  const testApp = createTestApp();
  const { db } = testApp;
  const member = async (kind: 'funder' | 'actor' | 'operator', name: string) => {
    const m = await makeMember(db, kind, { name });
    return { organisationId: m.organisationId, userId: m.user.id, api: sessionFor(testApp, m.user.id).api };
  };
  const lead = await member('actor', 'Association Ty Numérik');
  const partner = await member('actor', 'Coopérative Les Liens');
  const third = await member('actor', 'Médiathèque du pays de Morlaix');
  const outsider = await member('actor', 'Association Hors Réseau');
  const funder = await member('funder', 'Département du Finistère');
  const rivalFunder = await member('funder', 'CAF des Côtes-d’Armor');
  const operator = await member('operator', 'Réseau #APTIC');
  const places = {
    lead: makePlace(db, { organisationId: lead.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' }),
    /** The lead's place in the Morbihan: outside an order for the Finistère. */
    leadFar: makePlace(db, { organisationId: lead.organisationId, name: 'Tiers-lieu de Lorient', mainCommuneCode: '56121' }),
    partner: makePlace(db, { organisationId: partner.organisationId, name: 'Cyber-base de Brest', mainCommuneCode: '29019' }),
    third: makePlace(db, { organisationId: third.organisationId, name: 'Médiathèque de Morlaix', mainCommuneCode: '29151' }),
    outsider: makePlace(db, { organisationId: outsider.organisationId, name: 'Point numérique de Brest', mainCommuneCode: '29019' }),
  };
  return { testApp, db, lead, partner, third, outsider, funder, rivalFunder, operator, places };
}

export type World = Awaited<ReturnType<typeof partnershipWorld>>;

/** The lead creates a partnership through the API. */
export function createPartnership(w: World, overrides: Partial<CreatePartnershipInput> = {}) {
  return w.lead.api.partnerships.create.mutate({
    organisationId: w.lead.organisationId,
    kind: 'cae',
    name: 'CAE Finistère Numérique',
    departementCodes: ['29', '56'],
    poolingFeeBps: 500,
    charter: 'Nous mutualisons nos compétences pour accompagner les habitants.',
    ...overrides,
  });
}

/**
 * A partnership formed through the API: the lead's two places join at once, the partner's place
 * is invited and accepted.
 */
export async function formedPartnership(w: World, overrides: Partial<CreatePartnershipInput> = {}) {
  const created = await createPartnership(w, overrides);
  const { partnershipId } = created;
  await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.lead });
  await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.leadFar });
  await w.lead.api.partnerships.invite.mutate({ partnershipId, placeId: w.places.partner });
  await w.partner.api.partnerships.respond.mutate({ partnershipId, placeId: w.places.partner, accept: true });
  return created;
}

/** A published order of the funder, paid in full, on the Finistère. */
export function openOrder(w: World, overrides: Partial<CreateOrderInput> = {}) {
  return fundedOrder(w.funder.api, w.funder.organisationId, { quantity: 100, ...overrides });
}

/**
 * Through the API: the lead opens the draft, each owner sets and confirms its line, the lead
 * sets the price and submits. Returns the submitted view.
 */
export async function submittedDraft(
  w: World,
  partnershipId: number,
  orderId: number,
  quantities: { lead: number; partner: number },
  unitPriceCents?: number,
) {
  let view = await w.lead.api.drafts.open.mutate({ partnershipId, orderId });
  const bidId = view.bid.id;
  view = await w.partner.api.drafts.editLine.mutate({ bidId, version: view.bid.version, placeId: w.places.partner, quantity: quantities.partner });
  view = await w.partner.api.drafts.confirmLine.mutate({ bidId, version: view.bid.version, placeId: w.places.partner, confirmed: true });
  view = await w.lead.api.drafts.editLine.mutate({ bidId, version: view.bid.version, placeId: w.places.lead, quantity: quantities.lead });
  view = await w.lead.api.drafts.confirmLine.mutate({ bidId, version: view.bid.version, placeId: w.places.lead, confirmed: true });
  if (unitPriceCents !== undefined) {
    view = await w.lead.api.drafts.editTerms.mutate({ bidId, version: view.bid.version, note: 'Offre commune de la CAE', unitPriceCents });
  }
  return w.lead.api.drafts.submit.mutate({ bidId, version: view.bid.version });
}

export interface StaleRefusal {
  code: string;
  httpStatus: number;
  message: string;
  current?: { version: number; value?: unknown };
}

/** The refusal of a versioned draft write, with what the draft holds now (`data.current`). */
export async function staleRefusal(promise: Promise<unknown>): Promise<StaleRefusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code: string; httpStatus: number; current?: StaleRefusal['current'] } | undefined;
      return { code: data?.code ?? '', httpStatus: data?.httpStatus ?? 0, message: error.message, current: data?.current };
    }
    throw error;
  }
  throw new Error('Expected the call to be refused, but it succeeded');
}

/** One delivery through the API, by the client of the place's actor. */
export function deliver(api: Api, awardId: number, quantity: number, who: string = key()) {
  return api.deliveries.record.mutate({
    awardId,
    quantity,
    deliveredOn: today(),
    service: Service.AideAuxDemarchesAdministratives,
    beneficiaryRef: beneficiaryRef(who),
    idempotencyKey: key(),
  });
}
