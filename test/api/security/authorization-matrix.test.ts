import { randomUUID } from 'node:crypto';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { TRPCClientError } from '@trpc/client';
import type { AnyTRPCProcedure } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RowError } from '../../../server/errors';
import { appRouter } from '../../../server/routers';
import { getBid } from '../../../server/services/bids';
import { confirmDraftLine, editDraftLine, editDraftTerms, openDraft, submitDraft } from '../../../server/services/drafts';
import { getOrderRow } from '../../../server/services/orders';
import { ELIGIBILITY_CRITERIA } from '../../../shared/domain/qualification';
import { beneficiaryRef, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { createTestApp, type TestApp } from '../../setup/app';
import { orderForm, sessionFor } from '../marketplace/helpers';
import { buildWorld, draftVersion, ROLES as WORLD_ROLES, SECRETS, SIGNED_IN as WORLD_SIGNED_IN, type World } from './world';

/**
 * The authorization matrix (issue 8): every tRPC procedure, read from the router, called by
 * every role on the world's objects through the real HTTP stack. An allowed role gets an answer
 * (or a business refusal named in the row); every other role gets FORBIDDEN, and a signed-out
 * caller UNAUTHORIZED, except on the public procedures. Every successful answer is kept and
 * searched afterwards for what must not leak.
 */

type Api = ReturnType<TestApp['client']>['api'];

/**
 * The world's roles and, besides them, the contact of a prescriber (issue 11): prescribers are
 * no role of the shared world (the rooms matrix checks their room on its own), but every
 * procedure is checked against them here.
 */
const ROLES = [...WORLD_ROLES, 'prescriber'] as const;
type Role = (typeof ROLES)[number];
const SIGNED_IN = [...WORLD_SIGNED_IN, 'prescriber'] as const;
type Callable = { query: (input?: unknown) => Promise<unknown>; mutate: (input?: unknown) => Promise<unknown> };

/** What an allowed role gets: an answer, or a refusal of the business rules (never of access). */
type Outcome = 'ok' | 'CONFLICT' | 'BAD_REQUEST';

interface Case {
  /** The object the calls aim at, for the test's name. */
  target: string;
  /** Evaluated before each call: fresh idempotency keys, the draft's current version. */
  input?: (w: World) => unknown;
  allowed: readonly Role[];
  /** What the allowed roles get (default: an answer). */
  outcome?: Outcome;
  /** Calls on a session of their own: signing in and out must not touch the shared sessions. */
  ownSession?: true;
}

const EVERYONE = ROLES;
const ANY_SIGNED_IN = SIGNED_IN;

/** The order form without its organisation: what orders.update takes besides the order's id. */
const orderFields = (w: World) => {
  const { organisationId: _organisationId, ...fields } = orderForm(w.orgs.funder);
  return fields;
};

const deliveryInput = (w: World) => ({
  awardId: w.award,
  quantity: 1,
  deliveredOn: w.today,
  service: Service.AideAuxDemarchesAdministratives,
  beneficiaryRef: beneficiaryRef(randomUUID()),
  idempotencyKey: randomUUID(),
});

/**
 * One entry per procedure (several when two targets teach something different). Calls that
 * would change what later rows rely on are aimed at objects made for them, or refused by a
 * business rule after the access check (the outcome says which).
 */
const MATRIX: Record<string, Case | Case[]> = {
  'auth.signIn': { target: 'a spare account', input: (w) => ({ email: w.spare.email, password: w.spare.password }), allowed: EVERYONE, ownSession: true },
  'auth.signOut': { target: 'the caller’s session', allowed: ANY_SIGNED_IN, ownSession: true },
  'auth.me': { target: 'the caller', allowed: EVERYONE },
  'auth.changePassword': {
    target: 'the caller’s account, with a wrong current password',
    input: () => ({ currentPassword: 'pas-le-bon-mot-de-passe', newPassword: 'un-nouveau-mot-de-passe-solide' }),
    allowed: ANY_SIGNED_IN,
    outcome: 'BAD_REQUEST', // a success would end every session of the user, the shared ones too
    ownSession: true,
  },
  'auth.setLocale': { target: 'the caller', input: () => ({ locale: 'fr' }), allowed: ANY_SIGNED_IN },
  'config.get': { target: 'the rules', allowed: EVERYONE },

  'organisations.get': { target: 'the funder', input: (w) => ({ organisationId: w.orgs.funder }), allowed: ['funder', 'operator'] },

  'places.ofOrganisation': { target: 'the actor', input: (w) => ({ organisationId: w.orgs.actor }), allowed: ['actor', 'operator'] },
  'places.ofPartnership': { target: 'the partnership', input: (w) => ({ organisationId: w.orgs.partnership }), allowed: ['actor', 'member', 'operator'] },
  'places.get': [
    { target: 'the actor’s place', input: (w) => ({ placeId: w.places.actor }), allowed: ['actor', 'operator'] },
    { target: 'the member’s place', input: (w) => ({ placeId: w.places.member }), allowed: ['member', 'operator'] },
  ],

  'orders.ofFunder': { target: 'the funder', input: (w) => ({ organisationId: w.orgs.funder }), allowed: ['funder', 'operator'] },
  'orders.open': { target: 'the actor', input: (w) => ({ organisationId: w.orgs.actor }), allowed: ['actor'] },
  'orders.coFundable': { target: 'the other funder', input: (w) => ({ organisationId: w.orgs.otherFunder }), allowed: ['otherFunder'] },
  'orders.get': [
    { target: 'the published order', input: (w) => ({ orderId: w.orders.open }), allowed: ANY_SIGNED_IN },
    { target: 'the draft order', input: (w) => ({ orderId: w.orders.draft }), allowed: ['funder', 'operator'] },
  ],
  'orders.create': { target: 'the funder', input: (w) => orderForm(w.orgs.funder, { title: 'Commande créée par la matrice' }), allowed: ['funder'] },
  'orders.update': { target: 'the draft order', input: (w) => ({ orderId: w.orders.draft, ...orderFields(w), title: 'Commande en brouillon' }), allowed: ['funder'] },
  'orders.publish': { target: 'a draft order', input: (w) => ({ orderId: w.orders.toPublish }), allowed: ['funder'] },
  'orders.cancel': { target: 'an unpaid published order', input: (w) => ({ orderId: w.orders.toCancel }), allowed: ['funder'] },
  'orders.coFund': {
    target: 'the fully funded order, for the other funder',
    input: (w) => ({ orderId: w.orders.open, organisationId: w.orgs.otherFunder, shareCents: 1_000 }),
    allowed: ['otherFunder'],
    outcome: 'BAD_REQUEST', // nothing left to fund: co-funding would also open the sealed bids to it
  },
  'orders.recordPayment': {
    target: 'the fully paid order',
    input: (w) => ({ orderId: w.orders.open, organisationId: w.orgs.funder, amountCents: 100, reference: 'VIR-MATRICE', idempotencyKey: randomUUID() }),
    allowed: ['funder'],
    outcome: 'BAD_REQUEST',
  },
  'orders.close': { target: 'the closed order', input: (w) => ({ orderId: w.orders.closed }), allowed: ['funder'], outcome: 'CONFLICT' },
  'orders.spending': { target: 'the funder', input: (w) => ({ organisationId: w.orgs.funder }), allowed: ['funder', 'operator'] },

  'national.summary': { target: 'the nation', allowed: ['operator'] },

  'qualification.submitApplication': {
    target: 'the actor',
    input: (w) => ({
      organisationId: w.orgs.actor,
      siret: w.actorSiret,
      name: 'Bus numérique du pays bigouden',
      mode: 'fixed',
      mainCommuneCode: '29232',
      address: '1 rue de la Gare',
      services: [Service.AideAuxDemarchesAdministratives],
      yearlyCapacity: 1_500,
      legalRepresentative: 'Présidente',
      eligibility: Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, true])),
    }),
    allowed: ['actor'],
  },
  'qualification.queue': { target: 'the applications', input: () => ({}), allowed: ['operator'] },
  'qualification.balance': { target: 'the Finistère', input: () => ({ departementCode: '29' }), allowed: ['operator'] },
  'qualification.decide': { target: 'the actor’s application', input: (w) => ({ placeId: w.places.actorApplied, decision: 'qualify', reason: 'Dossier complet' }), allowed: ['operator'] },
  'qualification.history': { target: 'the actor’s place', input: (w) => ({ placeId: w.places.actor }), allowed: ['operator'] },

  'bids.submit': {
    target: 'the open order, for the actor (the same sealed bid again)',
    input: (w) => ({ orderId: w.orders.open, organisationId: w.orgs.actor, unitPriceCents: SECRETS.sealedUnitPriceCents, note: SECRETS.sealedNote, lines: [{ placeId: w.places.actor, quantity: 10 }] }),
    allowed: ['actor'],
  },
  'bids.withdraw': [
    { target: 'the actor’s bid made for it', input: (w) => ({ bidId: w.bids.toWithdraw }), allowed: ['actor'] },
    { target: 'the partnership’s joint bid (only its lead takes it back)', input: (w) => ({ bidId: w.bids.joint }), allowed: ['actor'] },
  ],
  'bids.ofOrder': [
    { target: 'the published order', input: (w) => ({ orderId: w.orders.open }), allowed: ANY_SIGNED_IN },
    { target: 'the draft order', input: (w) => ({ orderId: w.orders.draft }), allowed: ['funder', 'operator'] },
  ],
  'bids.mine': { target: 'the actor', input: (w) => ({ organisationId: w.orgs.actor }), allowed: ['actor'] },

  'awards.create': {
    target: 'a line of the delivered order already awarded',
    input: (w) => ({ orderId: w.orders.delivered, lines: [{ bidId: w.bids.delivered, placeId: w.places.actor, quantity: 1 }] }),
    allowed: ['funder'],
    outcome: 'BAD_REQUEST',
  },
  'awards.recommend': { target: 'the open order', input: (w) => ({ orderId: w.orders.open }), allowed: ['funder'] },
  'awards.rejectBids': {
    target: 'the open order, with a bid of another order',
    input: (w) => ({ orderId: w.orders.open, bidIds: [w.bids.delivered] }),
    allowed: ['funder'],
    outcome: 'BAD_REQUEST',
  },
  'awards.closeBidding': { target: 'the order being awarded', input: (w) => ({ orderId: w.orders.delivered }), allowed: ['funder'], outcome: 'CONFLICT' },
  'awards.finish': { target: 'the open order', input: (w) => ({ orderId: w.orders.open }), allowed: ['funder'], outcome: 'CONFLICT' },
  'awards.ofPlace': { target: 'the actor’s place', input: (w) => ({ placeId: w.places.actor }), allowed: ['actor', 'operator'] },

  'deliveries.record': { target: 'the actor’s award', input: deliveryInput, allowed: ['actor'] },
  'deliveries.recordBatch': { target: 'the actor’s award', input: (w) => ({ rows: [deliveryInput(w)] }), allowed: ['actor'] },
  'deliveries.ofAward': { target: 'the actor’s award', input: (w) => ({ awardId: w.award }), allowed: ['actor', 'operator'] },

  'ledger.check': { target: 'the ledger', allowed: ['operator'] },
  'ledger.safeguarding': { target: 'the ring-fenced accounts', allowed: ['operator'] },

  'partnerships.create': {
    target: 'the actor',
    input: (w) => ({ organisationId: w.orgs.actor, kind: 'local', name: 'Partenariat local de Quimper', departementCodes: ['29'], poolingFeeBps: 0 }),
    allowed: ['actor'],
  },
  'partnerships.mine': { target: 'the caller', allowed: ANY_SIGNED_IN },
  'partnerships.get': { target: 'the partnership', input: (w) => ({ partnershipId: w.partnership }), allowed: ['actor', 'member', 'operator'] },
  'partnerships.invitations': { target: 'the member', input: (w) => ({ organisationId: w.orgs.member }), allowed: ['member'] },
  'partnerships.invitable': { target: 'the partnership', input: (w) => ({ partnershipId: w.partnership }), allowed: ['actor'] },
  'partnerships.invite': { target: 'a place already a member', input: (w) => ({ partnershipId: w.partnership, placeId: w.places.member }), allowed: ['actor'], outcome: 'CONFLICT' },
  'partnerships.respond': {
    target: 'the member’s place, already active',
    input: (w) => ({ partnershipId: w.partnership, placeId: w.places.member, accept: true }),
    allowed: ['member'],
    outcome: 'CONFLICT',
  },
  'partnerships.leave': {
    target: 'the actor’s place, never a member',
    input: (w) => ({ partnershipId: w.partnership, placeId: w.places.actor }),
    allowed: ['actor'],
    outcome: 'CONFLICT',
  },
  'partnerships.handOverLead': {
    target: 'the partnership, to its lead',
    input: (w) => ({ partnershipId: w.partnership, organisationId: w.orgs.actor }),
    allowed: ['actor'],
    outcome: 'BAD_REQUEST',
  },

  'drafts.open': { target: 'the open order (the draft already open)', input: (w) => ({ partnershipId: w.partnership, orderId: w.orders.open }), allowed: ['actor'] },
  'drafts.get': { target: 'the joint draft', input: (w) => ({ bidId: w.draft }), allowed: ['actor', 'member', 'operator'] },
  'drafts.recommend': { target: 'the joint draft', input: (w) => ({ bidId: w.draft }), allowed: ['actor'] },
  'drafts.editLine': {
    target: 'the member’s line',
    input: (w) => ({ bidId: w.draft, version: draftVersion(testApp.db, w.draft), placeId: w.places.member, quantity: 10 }),
    allowed: ['actor', 'member'],
  },
  'drafts.confirmLine': {
    target: 'the member’s line',
    input: (w) => ({ bidId: w.draft, version: draftVersion(testApp.db, w.draft), placeId: w.places.member, confirmed: true }),
    allowed: ['member'],
  },
  'drafts.editTerms': {
    target: 'the joint draft',
    input: (w) => ({ bidId: w.draft, version: draftVersion(testApp.db, w.draft), note: SECRETS.draftNote, unitPriceCents: 1_000 }),
    allowed: ['actor'],
  },
  'drafts.submit': {
    target: 'the joint draft, on an outdated version (it stays a draft)',
    input: (w) => ({ bidId: w.draft, version: draftVersion(testApp.db, w.draft) - 1 }),
    allowed: ['actor'],
    outcome: 'CONFLICT',
  },

  'rounds.list': { target: 'the rounds', allowed: ANY_SIGNED_IN },
  'rounds.get': { target: 'the open round', input: (w) => ({ roundId: w.rounds.open }), allowed: ANY_SIGNED_IN },
  'rounds.create': {
    target: 'a new round',
    input: (w) => ({ name: 'Campagne du Morbihan', departementCodes: ['56'], opensOn: w.today, closesOn: w.windowEnd, targetCents: 1_000_000 }),
    allowed: ['operator'],
  },
  'rounds.open': { target: 'the round already open', input: (w) => ({ roundId: w.rounds.open }), allowed: ['operator'], outcome: 'CONFLICT' },
  'rounds.close': { target: 'the round already closed', input: (w) => ({ roundId: w.rounds.closed }), allowed: ['operator'], outcome: 'CONFLICT' },
  'rounds.attachOrder': { target: 'the open order, already in the round', input: (w) => ({ roundId: w.rounds.open, orderId: w.orders.open }), allowed: ['funder'] },

  'dashboards.round': { target: 'the open round', input: (w) => ({ roundId: w.rounds.open }), allowed: ANY_SIGNED_IN },
  'dashboards.publicRound': { target: 'the open round', input: (w) => ({ roundId: w.rounds.open }), allowed: EVERYONE },
  'dashboards.roundActivity': { target: 'the open round', input: (w) => ({ roundId: w.rounds.open }), allowed: EVERYONE },
  'dashboards.national': { target: 'the nation', input: () => ({}), allowed: ['operator'] },
  'dashboards.publicNational': { target: 'the nation', input: () => ({}), allowed: EVERYONE },

  'settlements.list': { target: 'the settlements', allowed: ['operator'] },
  'settlements.run': { target: 'the settled month (a replay)', input: (w) => ({ month: w.settledMonth }), allowed: ['operator'] },
  'settlements.payouts': { target: 'the settlement', input: (w) => ({ settlementId: w.settlement }), allowed: ['operator'] },
  'settlements.markPaid': { target: 'the actor’s payout', input: (w) => ({ payoutId: w.payout, reference: 'VIR-CONTREPARTIE-1', paidOn: w.today }), allowed: ['operator'] },
  'settlements.ofPlace': { target: 'the actor’s place', input: (w) => ({ placeId: w.places.actor }), allowed: ['actor', 'operator'] },

  'statements.place': { target: 'the actor’s place', input: (w) => ({ placeId: w.places.actor, month: w.settledMonth }), allowed: ['actor', 'operator'] },
  'statements.placeCsv': { target: 'the actor’s place', input: (w) => ({ placeId: w.places.actor, month: w.settledMonth }), allowed: ['actor', 'operator'] },
  'statements.funder': { target: 'the funder', input: (w) => ({ organisationId: w.orgs.funder }), allowed: ['funder', 'operator'] },
  'statements.funderCsv': { target: 'the funder', input: (w) => ({ organisationId: w.orgs.funder }), allowed: ['funder', 'operator'] },

  'credits.ofFunder': { target: 'the funder', input: (w) => ({ organisationId: w.orgs.funder }), allowed: ['funder', 'operator'] },
  'credits.note': { target: 'the funder’s credit note', input: (w) => ({ creditNoteId: w.creditNote }), allowed: ['funder', 'operator'] },
  'credits.refund': {
    target: 'the funder’s credit',
    input: (w) => ({ organisationId: w.orgs.funder, amountCents: 100, reference: 'VIR-REMBOURSEMENT', idempotencyKey: randomUUID() }),
    allowed: ['funder'],
  },

  'imports.get': { target: 'the actor’s delivery import', input: (w) => ({ importId: w.deliveryImport }), allowed: ['actor', 'operator'] },
  'imports.report': { target: 'the actor’s delivery import', input: (w) => ({ importId: w.deliveryImport }), allowed: ['actor', 'operator'] },
  'imports.reportCsv': { target: 'the actor’s delivery import', input: (w) => ({ importId: w.deliveryImport }), allowed: ['actor', 'operator'] },

  'audit.list': [
    { target: 'the whole trail', input: () => ({}), allowed: ['operator'] },
    { target: 'the funder’s trail', input: (w) => ({ organisationId: w.orgs.funder }), allowed: ['funder', 'operator'] },
  ],

  // Places in the national standard: qualified places are open data; money is the operator's.
  'lieux.exportJson': { target: 'the qualified places', allowed: EVERYONE },
  'lieux.exportCsv': { target: 'the qualified places', allowed: EVERYONE },
  'lieux.operatorExport': { target: 'the qualified places with their revenue', input: () => ({ format: 'json' }), allowed: ['operator'] },
  'lieux.importFile': {
    target: 'the actor, with a file of one place',
    input: (w) => ({
      organisationId: w.orgs.actor,
      format: 'csv',
      content: `id,pivot,nom,commune,code_postal,code_insee,adresse,date_maj,services,itinerance,x_aptic_capacite_annuelle\r\nl1,${w.actorSiret},Tiers-lieu importé de Quimper,Quimper,29000,29232,2 rue Kéréon,2026-01-15,${Service.AideAuxDemarchesAdministratives},Fixe,1500\r\n`,
      legalRepresentative: 'Présidente',
      eligibility: Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, true])),
    }),
    allowed: ['actor'],
  },

  // Pass (issue 11): codes are the order's funders' and the holding prescriber's; places redeem them.
  'passes.issue': { target: 'the pass order, one booklet of one pass', input: (w) => ({ orderId: w.passes.order, organisationId: w.orgs.funder, booklets: 1, size: 1 }), allowed: ['funder'] },
  'passes.ofOrder': { target: 'the pass order', input: (w) => ({ orderId: w.passes.order }), allowed: ['funder', 'operator'] },
  'passes.printBooklet': { target: 'the booklet the prescriber holds', input: (w) => ({ bookletId: w.passes.heldBooklet }), allowed: ['funder', 'prescriber'] },
  'passes.exportCsv': { target: 'the pass order', input: (w) => ({ orderId: w.passes.order, organisationId: w.orgs.funder }), allowed: ['funder'] },
  'passes.assign': {
    target: 'the held booklet, to the prescriber holding it',
    input: (w) => ({ organisationId: w.orgs.funder, bookletIds: [w.passes.heldBooklet], prescriberOrganisationId: w.passes.prescriber.organisationId }),
    allowed: ['funder'],
  },
  'passes.handOut': {
    target: 'the booklet already handed out',
    input: (w) => ({ organisationId: w.passes.prescriber.organisationId, bookletId: w.passes.handedOutBooklet, handedOutOn: w.today }),
    allowed: ['prescriber'],
    outcome: 'CONFLICT',
  },
  'passes.check': { target: 'a pass, at the actor’s place', input: (w) => ({ placeId: w.places.actor, code: w.passes.codes[1]! }), allowed: ['actor'] },
  'passes.redeem': {
    target: 'a pass, at the actor’s place',
    input: (w) => ({ placeId: w.places.actor, code: w.passes.codes[2]!, service: Service.AideAuxDemarchesAdministratives }),
    allowed: ['actor'],
  },
  'prescribers.invite': {
    target: 'the funder, under the name of a prescriber it invited',
    input: (w) => ({ organisationId: w.orgs.funder, name: 'Mairie de Quimper, accueil social', contactName: 'Autre contact', contactEmail: 'autre-contact@exemple.test', departementCode: '29' }),
    allowed: ['funder'],
    outcome: 'BAD_REQUEST',
  },
  'prescribers.ofFunder': { target: 'the funder', input: (w) => ({ organisationId: w.orgs.funder }), allowed: ['funder', 'operator'] },
  'prescribers.renewInvitation': {
    target: 'the funder, for a prescriber whose contact has not used its link',
    input: (w) => ({ organisationId: w.orgs.funder, prescriberOrganisationId: w.passes.pendingPrescriber }),
    allowed: ['funder'],
  },
  'prescribers.booklets': { target: 'the prescriber', input: (w) => ({ organisationId: w.passes.prescriber.organisationId }), allowed: ['prescriber', 'operator'] },
  // The link's token is the credential: anyone holding it reads who is invited; a used link answers CONFLICT to all.
  'auth.invitation': { target: 'a pending invitation link', input: (w) => ({ token: w.passes.pendingInvitation }), allowed: EVERYONE },
  'auth.acceptInvitation': {
    target: 'an invitation link already used',
    input: (w) => ({ token: w.passes.usedInvitation, password: 'un autre mot de passe choisi' }),
    allowed: EVERYONE,
    outcome: 'CONFLICT',
    ownSession: true,
  },

  // Open data: everyone, signed out too. Its answers join the leak checks below (sealed bids, drafts, beneficiaries).
  'ocds.releasePackage': [
    { target: 'every published order', input: () => ({}), allowed: EVERYONE },
    { target: 'the open order and its sealed bids', input: (w) => ({ orderId: w.orders.open }), allowed: EVERYONE },
  ],
};

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
}));

const rows = procedures.flatMap(({ path, type }) =>
  [MATRIX[path] ?? []].flat().map((entry) => ({ path, type, entry, allowedText: entry.allowed.length === ROLES.length ? 'everyone' : entry.allowed.join(', ') })),
);

let testApp: TestApp;
let w: World;
let as: Record<Role, Api>;

/** Every answer a role received in the matrix, as JSON, for the leak checks. */
const answers: { path: string; role: Role; json: string }[] = [];

beforeAll(async () => {
  testApp = createTestApp();
  w = await buildWorld(testApp.db);
  as = {
    signedOut: testApp.client().api,
    ...(Object.fromEntries(SIGNED_IN.map((role) => [role, sessionFor(testApp, userOf(role)).api])) as Record<Exclude<Role, 'signedOut'>, Api>),
  };
});

/** The user behind a signed-in role. */
const userOf = (role: Exclude<Role, 'signedOut'>) => (role === 'prescriber' ? w.passes.prescriber.user.id : w.users[role].id);

function call(api: Api, path: string, type: string, input: unknown) {
  const [namespace, name] = path.split('.') as [string, string];
  const procedure = (api as unknown as Record<string, Record<string, Callable>>)[namespace]![name]!;
  return type === 'mutation' ? procedure.mutate(input) : procedure.query(input);
}

const ACCESS_DENIED = 'Accès refusé à cette ressource';

/** 'ok' with the answer, or the refusal's code. */
async function attempt(promise: Promise<unknown>): Promise<{ outcome: string; answer?: unknown }> {
  try {
    return { outcome: 'ok', answer: await promise };
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { code: string; rowErrors?: RowError[] } | undefined;
    // A batch answers row by row (decision 0008): a batch whose every row is refused access is a FORBIDDEN.
    if (data?.code === 'BAD_REQUEST' && data.rowErrors?.length && data.rowErrors.every((r) => r.message === ACCESS_DENIED)) return { outcome: 'FORBIDDEN' };
    return { outcome: data?.code ?? 'NO_CODE' };
  }
}

function clientOf(role: Role, ownSession: boolean): Api {
  if (!ownSession) return as[role];
  return role === 'signedOut' ? testApp.client().api : sessionFor(testApp, userOf(role)).api;
}

describe('the authorization matrix', () => {
  it('has an entry for exactly the procedures of the router, so a new procedure cannot go unchecked', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(procedures.map((p) => p.path).sort());
  });

  it.each(rows)('$path on $entry.target answers $allowedText and refuses every other role', async ({ path, type, entry }) => {
    // Refused roles first: a refused call must change nothing, so the allowed ones still meet the world as built.
    const roles = ROLES;
    const order = [...roles.filter((r) => !entry.allowed.includes(r)), ...roles.filter((r) => entry.allowed.includes(r))];
    const expected: Partial<Record<Role, string>> = {};
    const actual: Partial<Record<Role, string>> = {};
    for (const role of order) {
      expected[role] = entry.allowed.includes(role) ? (entry.outcome ?? 'ok') : role === 'signedOut' ? 'UNAUTHORIZED' : 'FORBIDDEN';
      const result = await attempt(call(clientOf(role, !!entry.ownSession), path, type, entry.input?.(w)));
      actual[role] = result.outcome;
      if (result.outcome === 'ok') answers.push({ path, role, json: JSON.stringify(result.answer ?? null) });
    }
    expect(actual).toEqual(expected);
  });
});

describe('what the answers never show', () => {
  /** The answers that contain `text`, given to roles outside `entitled`. */
  const leaks = (text: string, entitled: readonly Role[]) => answers.filter((a) => a.json.includes(text) && !entitled.includes(a.role)).map((a) => `${a.path} → ${a.role}`);
  const readers = (text: string) => [...new Set(answers.filter((a) => a.json.includes(text)).map((a) => a.role))].sort();

  it('were collected from every procedure whose allowed callers get an answer', () => {
    const answering = new Set(rows.filter((r) => (r.entry.outcome ?? 'ok') === 'ok').map((r) => r.path));
    expect(new Set(answers.map((a) => a.path))).toEqual(answering);
  });

  it('the sealed bid’s note and unit price reach only the bidder, the order’s funder and the operator', () => {
    const price = `"unitPriceCents":${SECRETS.sealedUnitPriceCents}`;
    expect(leaks(SECRETS.sealedNote, ['actor', 'funder', 'operator'])).toEqual([]);
    expect(leaks(price, ['actor', 'funder', 'operator'])).toEqual([]);
    // …and they do reach them, so the search above looks at the right text.
    expect(readers(SECRETS.sealedNote)).toEqual(['actor', 'funder', 'operator']);
    expect(readers(price)).toEqual(['actor', 'funder', 'operator']);
  });

  it('the rival’s sealed bid reaches only the rival, the order’s funder and the operator', () => {
    expect(leaks(SECRETS.rivalNote, ['rival', 'funder', 'operator'])).toEqual([]);
    expect(readers(SECRETS.rivalNote)).toEqual(['funder', 'operator', 'rival']);
  });

  it('the partnership’s draft reaches only its participants and the operator, never the order’s funder', () => {
    expect(leaks(SECRETS.draftNote, ['actor', 'member', 'operator'])).toEqual([]);
    expect(readers(SECRETS.draftNote)).toEqual(['actor', 'member', 'operator']);
  });

  it('the beneficiary reference of a delivery is in no answer to anyone', () => {
    expect(leaks(SECRETS.beneficiaryRef, [])).toEqual([]);
  });

  it('a pass code reaches only the order’s funder and the prescriber holding its booklet, in any form', () => {
    const code = w.passes.codes[0]!;
    for (const form of [code, code.replaceAll('-', '')]) expect(leaks(form, ['funder', 'prescriber'])).toEqual([]);
    expect(readers(code)).toEqual(['funder', 'prescriber']);
  });

  it('bids.ofOrder of the open order lists all its bids to its funder and the operator, each bidder its own, and to others only a count', async () => {
    const seen: Partial<Record<Role, { sealed: boolean; bidCount: number; bids: number[] }>> = {};
    for (const role of SIGNED_IN) {
      const answer = await as[role].bids.ofOrder.query({ orderId: w.orders.open });
      seen[role] = { sealed: answer.sealed, bidCount: answer.bidCount, bids: answer.bids.map((b) => b.id).sort((a, b) => a - b) };
    }
    const all = [w.bids.actor, w.bids.rival].sort((a, b) => a - b);
    expect(seen).toEqual({
      funder: { sealed: false, bidCount: 2, bids: all },
      operator: { sealed: false, bidCount: 2, bids: all },
      actor: { sealed: true, bidCount: 2, bids: [w.bids.actor] },
      rival: { sealed: true, bidCount: 2, bids: [w.bids.rival] },
      // The partnership's draft is no bid yet: its members see none, like any other actor.
      member: { sealed: true, bidCount: 2, bids: [] },
      nonMember: { sealed: true, bidCount: 2, bids: [] },
      otherFunder: { sealed: true, bidCount: 2, bids: [] },
      prescriber: { sealed: true, bidCount: 2, bids: [] },
    });
  });

  /**
   * A joint draft left unsubmitted on an order that is cancelled or closed becomes a rejected bid
   * (cancelOrder and closeOrder reject the order's `draft` and `submitted` bids alike): it then
   * counts as a bid, and bids.ofOrder shows its note, price and lines to the order's funders,
   * although it was never submitted. Its content must stay the partnership's.
   */
  async function draftOn(orderId: number, note: string) {
    const lead = sessionUserOf(testApp.db, w.users.actor.id);
    const bidId = openDraft(testApp.db, lead, w.partnership, orderId, orderRow(orderId).bidDeadline);
    editDraftTerms(testApp.db, lead, { bidId, version: draftVersion(testApp.db, bidId), note, unitPriceCents: 1_000 });
    return bidId;
  }
  const orderRow = (orderId: number) => getOrderRow(testApp.db, orderId);

  it('a joint draft never submitted stays hidden from the order’s funder once the order is cancelled', async () => {
    const orderId = makeOrder(testApp.db, { funderOrganisationId: w.orgs.funder, userId: w.users.funder.id, title: 'Commande annulée avec un brouillon' });
    const note = 'NOTE-BROUILLON avant annulation';
    await draftOn(orderId, note);

    await as.funder.orders.cancel.mutate({ orderId });

    const answer = await as.funder.bids.ofOrder.query({ orderId });
    expect({ bids: answer.bids.map((b) => b.id), bidCount: answer.bidCount, leaks: JSON.stringify(answer).includes(note) }).toEqual({ bids: [], bidCount: 0, leaks: false });
  });

  it('a joint draft never submitted stays hidden from the order’s funder once the order is closed', async () => {
    const past = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
    const orderId = makeOrder(testApp.db, {
      funderOrganisationId: w.orgs.funder,
      userId: w.users.funder.id,
      title: 'Commande close avec un brouillon',
      bidDeadline: past(80),
      deliveryStartsOn: past(90),
      deliveryEndsOn: past(1),
      today: past(90),
    });
    const note = 'NOTE-BROUILLON avant clôture';
    await draftOn(orderId, note);

    await as.funder.orders.close.mutate({ orderId });

    const answer = await as.funder.bids.ofOrder.query({ orderId });
    expect({ bids: answer.bids.map((b) => b.id), bidCount: answer.bidCount, leaks: JSON.stringify(answer).includes(note) }).toEqual({ bids: [], bidCount: 0, leaks: false });
  });

});

describe('what the partnership’s members may do with its joint bid', () => {
  // The lead alone submits a joint bid (drafts.submit asserts it); bids.withdraw only asks for a
  // role in the bidding organisation, and every member place's actor holds one in the
  // partnership's organisation, so any member undoes the lead's submission on its own.
  it('a member of the partnership who is not its lead may not withdraw its submitted joint bid', async () => {
    const { db } = testApp;
    const orderId = makeOrder(db, { funderOrganisationId: w.orgs.funder, userId: w.users.funder.id, title: 'Commande avec une offre commune' });
    const lead = () => sessionUserOf(db, w.users.actor.id);
    const member = () => sessionUserOf(db, w.users.member.id);
    const bidId = openDraft(db, lead(), w.partnership, orderId);
    editDraftLine(db, member(), { bidId, version: draftVersion(db, bidId), placeId: w.places.member, quantity: 5 });
    confirmDraftLine(db, member(), { bidId, version: draftVersion(db, bidId), placeId: w.places.member, confirmed: true });
    submitDraft(db, lead(), { bidId, version: draftVersion(db, bidId) });

    const outcome = await attempt(as.member.bids.withdraw.mutate({ bidId }));

    expect({ outcome: outcome.outcome, status: getBid(db, bidId).status }).toEqual({ outcome: 'FORBIDDEN', status: 'submitted' });
  });
});
