import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import type { AnyTRPCProcedure } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { orderFundings, organisations, serviceOrders } from '../../db/schema';
import { appRouter } from '../../server/routers';
import { addMembership } from '../../server/services/users';
import { makeMember, makePartnership, makePlace, makeUser } from '../factories';
import { makeAwards, makeBid, makeOrder } from '../factories/marketplace';
import { createTestApp, errorOf, signedIn, type TestApp } from '../setup/app';

/**
 * The procedures anyone may call without a session. Kept by hand on purpose: a new public
 * procedure must be added here deliberately, or the test below refuses it.
 */
const PUBLIC_PROCEDURES = [
  'auth.signIn',
  'auth.me',
  // An invited prescriber's contact has no session yet: the link's token is the credential.
  'auth.invitation',
  'auth.acceptInvitation',
  'config.get',
  'dashboards.publicRound',
  'dashboards.roundActivity',
  'dashboards.publicNational',
  'ocds.releasePackage',
  'lieux.exportJson',
  'lieux.exportCsv',
];

/** A well-formed input for every procedure that takes one, so refusals are about the caller. */
const SAMPLE_INPUTS: Record<string, unknown> = {
  'auth.signIn': { email: 'personne@exemple.test', password: 'mot-de-passe' },
  'auth.setLocale': { locale: 'en' },
  'auth.changePassword': { currentPassword: 'ancien-mot-de-passe', newPassword: 'nouveau-mot-de-passe-long' },
  'organisations.get': { organisationId: 1 },
  'places.ofOrganisation': { organisationId: 1 },
  'places.ofPartnership': { organisationId: 1 },
  'places.get': { placeId: 1 },
  'orders.ofFunder': { organisationId: 1 },
  'orders.open': { organisationId: 1 },
  'orders.coFundable': { organisationId: 1 },
  'orders.get': { orderId: 1 },
  'orders.create': {
    organisationId: 1,
    title: 'Commande',
    services: ['Aide aux démarches administratives'],
    departementCodes: ['29'],
    quantity: 10,
    bidDeadline: '2030-01-01',
    deliveryStartsOn: '2030-01-02',
    deliveryEndsOn: '2030-12-31',
  },
  'orders.update': {
    orderId: 1,
    title: 'Commande',
    services: ['Aide aux démarches administratives'],
    departementCodes: ['29'],
    quantity: 10,
    bidDeadline: '2030-01-01',
    deliveryStartsOn: '2030-01-02',
    deliveryEndsOn: '2030-12-31',
  },
  'orders.publish': { orderId: 1 },
  'orders.cancel': { orderId: 1 },
  'orders.coFund': { orderId: 1, organisationId: 1, shareCents: 1_000 },
  'orders.recordPayment': { orderId: 1, organisationId: 1, amountCents: 1_000, reference: 'VIR-1', idempotencyKey: 'cle-12345678' },
  'orders.spending': { organisationId: 1 },
  'qualification.submitApplication': {
    organisationId: 1,
    siret: '73282932000074',
    name: 'Lieu',
    mode: 'fixed',
    mainCommuneCode: '29232',
    address: '1 rue de la Gare',
    services: ['Aide aux démarches administratives'],
    yearlyCapacity: 1_500,
    legalRepresentative: 'Présidente',
    eligibility: { publicAccess: true, trainedMediators: true, freeForBeneficiaries: true, anonymousByDefault: true, qualityCharter: true },
  },
  'qualification.queue': {},
  'qualification.balance': { departementCode: '29' },
  'qualification.decide': { placeId: 1, decision: 'qualify', reason: 'Dossier complet' },
  'qualification.history': { placeId: 1 },
  'bids.submit': { orderId: 1, organisationId: 1, unitPriceCents: 1_000, lines: [{ placeId: 1, quantity: 5 }] },
  'bids.withdraw': { bidId: 1 },
  'bids.ofOrder': { orderId: 1 },
  'bids.mine': { organisationId: 1 },
  'awards.create': { orderId: 1, lines: [{ bidId: 1, placeId: 1, quantity: 5 }] },
  'awards.recommend': { orderId: 1 },
  'awards.rejectBids': { orderId: 1, bidIds: [1] },
  'awards.closeBidding': { orderId: 1 },
  'awards.finish': { orderId: 1 },
  'awards.ofPlace': { placeId: 1 },
  'deliveries.record': {
    awardId: 1,
    quantity: 1,
    deliveredOn: '2026-01-15',
    service: 'Aide aux démarches administratives',
    beneficiaryRef: 'a1b2c3d4e5f60718',
    idempotencyKey: 'cle-12345678',
  },
  'deliveries.recordBatch': { rows: [{}] },
  'deliveries.ofAward': { awardId: 1 },
  'partnerships.create': { organisationId: 1, kind: 'cae', name: 'CAE', departementCodes: ['29'], poolingFeeBps: 500 },
  'partnerships.get': { partnershipId: 1 },
  'partnerships.invitations': { organisationId: 1 },
  'partnerships.invitable': { partnershipId: 1 },
  'partnerships.invite': { partnershipId: 1, placeId: 1 },
  'partnerships.respond': { partnershipId: 1, placeId: 1, accept: true },
  'partnerships.leave': { partnershipId: 1, placeId: 1 },
  'partnerships.handOverLead': { partnershipId: 1, organisationId: 1 },
  'drafts.open': { partnershipId: 1, orderId: 1 },
  'drafts.get': { bidId: 1 },
  'drafts.recommend': { bidId: 1 },
  'drafts.editLine': { bidId: 1, version: 1, placeId: 1, quantity: 5 },
  'drafts.confirmLine': { bidId: 1, version: 1, placeId: 1, confirmed: true },
  'drafts.editTerms': { bidId: 1, version: 1, note: 'Note', unitPriceCents: 1_000 },
  'drafts.submit': { bidId: 1, version: 1 },
  'rounds.get': { roundId: 1 },
  'rounds.create': { name: 'Campagne', departementCodes: ['29'], opensOn: '2030-01-01', closesOn: '2030-03-01', targetCents: 100_000 },
  'rounds.open': { roundId: 1 },
  'rounds.close': { roundId: 1 },
  'rounds.attachOrder': { roundId: 1, orderId: 1 },
  'dashboards.round': { roundId: 1 },
  'dashboards.publicRound': { roundId: 1 },
  'dashboards.roundActivity': { roundId: 1 },
  'dashboards.national': {},
  'dashboards.publicNational': {},
  'orders.close': { orderId: 1 },
  'settlements.run': { month: '2026-01' },
  'settlements.payouts': { settlementId: 1 },
  'settlements.markPaid': { payoutId: 1, reference: 'VIR-1', paidOn: '2026-02-05' },
  'settlements.ofPlace': { placeId: 1 },
  'statements.place': { placeId: 1, month: '2026-01' },
  'statements.placeCsv': { placeId: 1, month: '2026-01' },
  'statements.funder': { organisationId: 1 },
  'statements.funderCsv': { organisationId: 1 },
  'credits.ofFunder': { organisationId: 1 },
  'credits.note': { creditNoteId: 1 },
  'credits.refund': { organisationId: 1, amountCents: 100, reference: 'VIR-1', idempotencyKey: 'cle-12345678' },
  'audit.list': {},
  'imports.get': { importId: 1 },
  'imports.report': { importId: 1 },
  'imports.reportCsv': { importId: 1 },
  'lieux.operatorExport': { format: 'csv' },
  'lieux.importFile': {
    organisationId: 1,
    format: 'csv',
    content: 'id,pivot,nom',
    legalRepresentative: 'Présidente',
    eligibility: { publicAccess: true, trainedMediators: true, freeForBeneficiaries: true, anonymousByDefault: true, qualityCharter: true },
  },
  'ocds.releasePackage': { orderId: 1 },
  'auth.invitation': { token: 'jeton-d-invitation-inconnu-0123456789' },
  'auth.acceptInvitation': { token: 'jeton-d-invitation-inconnu-0123456789', password: 'un mot de passe assez long' },
  'passes.issue': { orderId: 1, organisationId: 1, booklets: 1 },
  'passes.ofOrder': { orderId: 1 },
  'passes.printBooklet': { bookletId: 1 },
  'passes.exportCsv': { orderId: 1, organisationId: 1 },
  'passes.assign': { organisationId: 1, bookletIds: [1], prescriberOrganisationId: 2 },
  'passes.handOut': { organisationId: 1, bookletId: 1, handedOutOn: '2026-01-15' },
  // A well-formed code (its check symbol right).
  'passes.check': { placeId: 1, code: '1234-5678-9AB7' },
  'passes.redeem': { placeId: 1, code: '1234-5678-9AB7', service: 'Aide aux démarches administratives' },
  'prescribers.invite': { organisationId: 1, name: 'CCAS', contactName: 'Contact', contactEmail: 'contact@exemple.test', departementCode: '29' },
  'prescribers.ofFunder': { organisationId: 1 },
  'prescribers.renewInvitation': { organisationId: 1, prescriberOrganisationId: 2 },
  'prescribers.booklets': { organisationId: 1 },
};

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  takesInput: procedure._def.inputs.length > 0,
}));
const privateProcedures = procedures.filter((p) => !PUBLIC_PROCEDURES.includes(p.path));

type Api = ReturnType<TestApp['client']>['api'];
type Callable = { query: (input?: unknown) => Promise<unknown>; mutate: (input?: unknown) => Promise<unknown> };

/** Calls a procedure by its path through the real client: queries go as GET, mutations as POST. */
function call(api: Api, path: string, type: string, input: unknown) {
  const [namespace, name] = path.split('.') as [string, string];
  const procedure = (api as unknown as Record<string, Record<string, Callable>>)[namespace]![name]!;
  return type === 'mutation' ? procedure.mutate(input) : procedure.query(input);
}

const FORBIDDEN = { code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource', fieldErrors: undefined };

describe('the list of procedures', () => {
  it('names only public procedures that exist', () => {
    const paths = procedures.map((p) => p.path);
    for (const path of PUBLIC_PROCEDURES) expect(paths).toContain(path);
  });

  it('has a sample input for exactly the procedures that take one', () => {
    expect(Object.keys(SAMPLE_INPUTS).sort()).toEqual(
      procedures
        .filter((p) => p.takesInput)
        .map((p) => p.path)
        .sort(),
    );
  });

  it('has no subscription, which this HTTP check would not cover', () => {
    expect(procedures.filter((p) => p.type === 'subscription')).toEqual([]);
  });
});

describe('without a session', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = createTestApp();
    const actor = await makeMember(testApp.db, 'actor');
    makePlace(testApp.db, { organisationId: actor.organisationId });
  });

  it.each(privateProcedures)('$path ($type) answers UNAUTHORIZED over HTTP', async ({ path, type }) => {
    const { api } = testApp.client();

    expect(await errorOf(call(api, path, type, SAMPLE_INPUTS[path]))).toEqual({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      message: 'Connexion requise',
      fieldErrors: undefined,
    });
  });

  it('each public procedure answers: auth.me with null, config.get with the rules, auth.signIn with the user', async () => {
    const { api } = testApp.client();
    const user = await makeUser(testApp.db);

    expect(await api.auth.me.query()).toBeNull();
    expect((await api.config.get.query()).ratio.ceilingCents).toBe(2_500_000);
    expect((await api.auth.signIn.mutate({ email: user.email, password: user.password })).id).toBe(user.id);
  });

  it('the invitation procedures answer a link that was never issued with CONFLICT, not with a session', async () => {
    const { api, jar } = testApp.client();
    const refusal = { code: 'CONFLICT', httpStatus: 409, message: 'Ce lien d’invitation n’est plus valable : demandez-en un nouveau à qui vous a invité', fieldErrors: undefined };

    expect(await errorOf(api.auth.invitation.query(SAMPLE_INPUTS['auth.invitation'] as { token: string }))).toEqual(refusal);
    expect(await errorOf(api.auth.acceptInvitation.mutate(SAMPLE_INPUTS['auth.acceptInvitation'] as { token: string; password: string }))).toEqual(refusal);
    expect(jar.size).toBe(0);
  });
});

describe('with a session', () => {
  let testApp: TestApp;
  let world: {
    funderA: number;
    funderB: number;
    actorA: number;
    actorB: number;
    partnership: number;
    placeA1: number;
    placeA2: number;
    placeB1: number;
    placeB2: number;
    orderOfA: number;
    orderOfB: number;
    coFundedByA: number;
  };
  let as: Record<'funderA' | 'actorA' | 'actorAMember' | 'actorB' | 'operator', Api>;

  function insertOrder(funderOrganisationId: number, title: string, createdAt: string) {
    return testApp.db
      .insert(serviceOrders)
      .values({
        funderOrganisationId,
        title,
        services: [],
        departementCodes: ['29'],
        communeCodes: [],
        quantity: 100,
        bidDeadline: '2026-12-01',
        deliveryStartsOn: '2027-01-01',
        deliveryEndsOn: '2027-06-30',
        status: 'open',
        createdAt,
      })
      .returning({ id: serviceOrders.id })
      .get().id;
  }

  beforeAll(async () => {
    testApp = createTestApp();
    const db = testApp.db;
    const funderA = await makeMember(db, 'funder', { name: 'CAF du Finistère', funderKind: 'caf' });
    const funderB = await makeMember(db, 'funder', { name: 'Département du Nord', departementCode: '59' });
    const actorA = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
    const actorAMember = await makeUser(db);
    addMembership(db, actorAMember.id, actorA.organisationId, 'member');
    const actorB = await makeMember(db, 'actor', { name: 'Coopérative Les Liens du Numérique', departementCode: '35' });
    const operator = await makeMember(db, 'operator', { name: 'Réseau #APTIC' });

    const placeA1 = makePlace(db, { organisationId: actorA.organisationId, name: 'A1 — Quimper', mainCommuneCode: '29232', status: 'qualified' });
    const placeA2 = makePlace(db, { organisationId: actorA.organisationId, name: 'A2 — Brest', status: 'applied' });
    const placeB1 = makePlace(db, { organisationId: actorB.organisationId, name: 'B1 — Rennes', mainCommuneCode: '35238', status: 'qualified' });
    const placeB2 = makePlace(db, { organisationId: actorB.organisationId, name: 'B2 — Morlaix', mainCommuneCode: '29151', status: 'suspended' });
    const partnership = makePartnership(db, {
      name: 'CAE Bretagne',
      kind: 'cae',
      leadOrganisationId: actorB.organisationId,
      departementCodes: ['29', '35'],
      placeIds: [placeB1, placeB2],
    });
    addMembership(db, actorB.user.id, partnership.organisationId, 'admin');

    const orderOfA = insertOrder(funderA.organisationId, 'Commande CAF', '2026-10-01T09:00:00.000Z');
    const orderOfB = insertOrder(funderB.organisationId, 'Commande Nord', '2026-10-02T09:00:00.000Z');
    const coFundedByA = insertOrder(funderB.organisationId, 'Commande cofinancée', '2026-10-03T09:00:00.000Z');
    db.insert(orderFundings).values({ orderId: coFundedByA, funderOrganisationId: funderA.organisationId, committedCents: 50_000 }).run();

    world = {
      funderA: funderA.organisationId,
      funderB: funderB.organisationId,
      actorA: actorA.organisationId,
      actorB: actorB.organisationId,
      partnership: partnership.organisationId,
      placeA1,
      placeA2,
      placeB1,
      placeB2,
      orderOfA,
      orderOfB,
      coFundedByA,
    };
    as = {
      funderA: (await signedIn(testApp, funderA.user.email, funderA.user.password)).api,
      actorA: (await signedIn(testApp, actorA.user.email, actorA.user.password)).api,
      actorAMember: (await signedIn(testApp, actorAMember.email, actorAMember.password)).api,
      actorB: (await signedIn(testApp, actorB.user.email, actorB.user.password)).api,
      operator: (await signedIn(testApp, operator.user.email, operator.user.password)).api,
    };
  });

  const organisationRow = (id: number) => testApp.db.select().from(organisations).where(eq(organisations.id, id)).get();
  const placeNames = (places: { id: number; name: string }[]) => places.map((p) => ({ id: p.id, name: p.name }));

  describe('and no role in the owning organisation', () => {
    it('organisations.get of another organisation is FORBIDDEN', async () => {
      expect(await errorOf(as.actorA.organisations.get.query({ organisationId: world.funderB }))).toEqual(FORBIDDEN);
    });

    it('places.ofOrganisation of another actor is FORBIDDEN', async () => {
      expect(await errorOf(as.actorA.places.ofOrganisation.query({ organisationId: world.actorB }))).toEqual(FORBIDDEN);
    });

    it('places.get of a place of another actor is FORBIDDEN', async () => {
      expect(await errorOf(as.actorA.places.get.query({ placeId: world.placeB1 }))).toEqual(FORBIDDEN);
    });

    it('places.ofPartnership of a partnership the caller is not a member of is FORBIDDEN', async () => {
      expect(await errorOf(as.actorA.places.ofPartnership.query({ organisationId: world.partnership }))).toEqual(FORBIDDEN);
    });

    it('orders.ofFunder of another funder is FORBIDDEN', async () => {
      expect(await errorOf(as.funderA.orders.ofFunder.query({ organisationId: world.funderB }))).toEqual(FORBIDDEN);
    });

    it('national.summary is FORBIDDEN to a funder and to an actor', async () => {
      const refusal = { code: 'FORBIDDEN', httpStatus: 403, message: 'Réservé à l’opérateur du dispositif', fieldErrors: undefined };
      expect(await errorOf(as.funderA.national.summary.query())).toEqual(refusal);
      expect(await errorOf(as.actorA.national.summary.query())).toEqual(refusal);
    });

    it('an organisation that does not exist is FORBIDDEN, not NOT_FOUND, so ids cannot be probed', async () => {
      expect(await errorOf(as.actorA.organisations.get.query({ organisationId: 999_999 }))).toEqual(FORBIDDEN);
    });

    it('a place that does not exist is FORBIDDEN too, like someone else’s place', async () => {
      expect(await errorOf(as.actorA.places.get.query({ placeId: 999_999 }))).toEqual(FORBIDDEN);
    });
  });

  describe('and a role in the organisation', () => {
    it('an admin reads its own organisation', async () => {
      expect(await as.actorA.organisations.get.query({ organisationId: world.actorA })).toEqual(organisationRow(world.actorA));
    });

    it('a plain member reads its organisation and its places too', async () => {
      expect((await as.actorAMember.organisations.get.query({ organisationId: world.actorA })).name).toBe('Association Ty Numérik');
      expect(placeNames(await as.actorAMember.places.ofOrganisation.query({ organisationId: world.actorA }))).toEqual([
        { id: world.placeA1, name: 'A1 — Quimper' },
        { id: world.placeA2, name: 'A2 — Brest' },
      ]);
    });

    it('an actor reads its own places, in name order, and one of them by id', async () => {
      expect(placeNames(await as.actorA.places.ofOrganisation.query({ organisationId: world.actorA }))).toEqual([
        { id: world.placeA1, name: 'A1 — Quimper' },
        { id: world.placeA2, name: 'A2 — Brest' },
      ]);
      const place = await as.actorA.places.get.query({ placeId: world.placeA2 });
      expect({ id: place.id, organisationId: place.organisationId, status: place.status }).toEqual({
        id: world.placeA2,
        organisationId: world.actorA,
        status: 'applied',
      });
    });

    it('a funder reads the orders it posted and those it co-funds, newest first', async () => {
      const orders = await as.funderA.orders.ofFunder.query({ organisationId: world.funderA });
      expect(orders.map((o) => o.id)).toEqual([world.coFundedByA, world.orderOfA]);
    });

    it('orders.ofFunder of the caller’s own actor organisation is FORBIDDEN: it is not a funder', async () => {
      expect(await errorOf(as.actorA.orders.ofFunder.query({ organisationId: world.actorA }))).toEqual({
        ...FORBIDDEN,
        message: 'Cette organisation n’est pas un commanditaire',
      });
    });

    it('a member of the partnership reads its active member places', async () => {
      expect(placeNames(await as.actorB.places.ofPartnership.query({ organisationId: world.partnership }))).toEqual([
        { id: world.placeB1, name: 'B1 — Rennes' },
        { id: world.placeB2, name: 'B2 — Morlaix' },
      ]);
    });
  });

  describe('as the operator', () => {
    it('reads any organisation', async () => {
      expect(await as.operator.organisations.get.query({ organisationId: world.funderB })).toEqual(organisationRow(world.funderB));
    });

    it('reads any actor’s places and any place', async () => {
      expect(placeNames(await as.operator.places.ofOrganisation.query({ organisationId: world.actorB }))).toEqual([
        { id: world.placeB1, name: 'B1 — Rennes' },
        { id: world.placeB2, name: 'B2 — Morlaix' },
      ]);
      expect((await as.operator.places.get.query({ placeId: world.placeA1 })).name).toBe('A1 — Quimper');
    });

    it('reads any partnership’s places', async () => {
      expect(placeNames(await as.operator.places.ofPartnership.query({ organisationId: world.partnership })).map((p) => p.id)).toEqual([
        world.placeB1,
        world.placeB2,
      ]);
    });

    it('reads any funder’s orders', async () => {
      expect((await as.operator.orders.ofFunder.query({ organisationId: world.funderB })).map((o) => o.id)).toEqual([world.coFundedByA, world.orderOfB]);
    });

    it('reads the national summary, counted by qualification status and département', async () => {
      expect(await as.operator.national.summary.query()).toEqual({
        targetPlaces: 3_000,
        qualifiedPlaces: 2,
        appliedPlaces: 1,
        suspendedPlaces: 1,
        departements: [
          { code: '29', nom: 'Finistère', region: 'Bretagne', qualified: 1, applied: 1, suspended: 1 },
          { code: '35', nom: 'Ille-et-Vilaine', region: 'Bretagne', qualified: 1, applied: 0, suspended: 0 },
        ],
      });
    });

    it('gets NOT_FOUND, not a 500, for an organisation or a place that does not exist', async () => {
      expect(await errorOf(as.operator.organisations.get.query({ organisationId: 999_999 }))).toEqual({
        code: 'NOT_FOUND',
        httpStatus: 404,
        message: 'Organisation introuvable',
        fieldErrors: undefined,
      });
      expect(await errorOf(as.operator.places.get.query({ placeId: 999_999 }))).toEqual({
        code: 'NOT_FOUND',
        httpStatus: 404,
        message: 'Lieu introuvable',
        fieldErrors: undefined,
      });
      expect(await errorOf(as.operator.orders.ofFunder.query({ organisationId: 999_999 }))).toEqual({
        code: 'NOT_FOUND',
        httpStatus: 404,
        message: 'Organisation introuvable',
        fieldErrors: undefined,
      });
    });
  });
});

describe('marketplace objects, with a session', () => {
  let testApp: TestApp;
  let ids: { funderA: number; funderB: number; actorA: number; actorB: number; placeA: number; placeB: number; draft: number; open: number; bidA: number; bidB: number; awarding: number; awardA: number; bidOnAwarding: number };
  let as: Record<'funderA' | 'funderB' | 'actorA' | 'actorB' | 'operator', Api>;
  const OPERATOR_ONLY = { code: 'FORBIDDEN', httpStatus: 403, message: 'Réservé à l’opérateur du dispositif', fieldErrors: undefined };
  const UNKNOWN = 999_999;

  beforeAll(async () => {
    testApp = createTestApp();
    const db = testApp.db;
    const funderA = await makeMember(db, 'funder', { name: 'Département du Finistère' });
    const funderB = await makeMember(db, 'funder', { name: 'CAF du Finistère', funderKind: 'caf' });
    const actorA = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
    const actorB = await makeMember(db, 'actor', { name: 'Coopérative Les Liens' });
    const operator = await makeMember(db, 'operator');
    const placeA = makePlace(db, { organisationId: actorA.organisationId, mainCommuneCode: '29232' });
    const placeB = makePlace(db, { organisationId: actorB.organisationId, mainCommuneCode: '29019' });
    const draft = makeOrder(db, { funderOrganisationId: funderA.organisationId, userId: funderA.user.id, publish: false, paidCents: 0 });
    const open = makeOrder(db, { funderOrganisationId: funderA.organisationId, userId: funderA.user.id });
    const bidA = makeBid(db, { orderId: open, organisationId: actorA.organisationId, lines: [{ placeId: placeA, quantity: 10 }] });
    const bidB = makeBid(db, { orderId: open, organisationId: actorB.organisationId, lines: [{ placeId: placeB, quantity: 10 }] });
    const awarding = makeOrder(db, { funderOrganisationId: funderA.organisationId, userId: funderA.user.id });
    const bidOnAwarding = makeBid(db, { orderId: awarding, organisationId: actorA.organisationId, lines: [{ placeId: placeA, quantity: 50 }] });
    const [awardA] = makeAwards(db, { orderId: awarding, userId: funderA.user.id, lines: [{ bidId: bidOnAwarding, placeId: placeA, quantity: 20 }] });
    ids = {
      funderA: funderA.organisationId,
      funderB: funderB.organisationId,
      actorA: actorA.organisationId,
      actorB: actorB.organisationId,
      placeA,
      placeB,
      draft,
      open,
      bidA,
      bidB,
      awarding,
      awardA: awardA!,
      bidOnAwarding,
    };
    const sessions = await Promise.all([funderA, funderB, actorA, actorB, operator].map((m) => signedIn(testApp, m.user.email, m.user.password)));
    as = { funderA: sessions[0]!.api, funderB: sessions[1]!.api, actorA: sessions[2]!.api, actorB: sessions[3]!.api, operator: sessions[4]!.api };
  });

  const orderFields = {
    title: 'Commande',
    services: [Service.AideAuxDemarchesAdministratives],
    departementCodes: ['29'],
    quantity: 10,
    bidDeadline: '2030-01-01',
    deliveryStartsOn: '2030-01-02',
    deliveryEndsOn: '2030-12-31',
  };
  const deliveryOf = (awardId: number) => ({
    awardId,
    quantity: 1,
    deliveredOn: new Date().toISOString().slice(0, 10),
    service: Service.AideAuxDemarchesAdministratives,
    beneficiaryRef: 'a1b2c3d4e5f60718a1b2c3d4e5f60718',
    idempotencyKey: `cle-${Math.random().toString(36).slice(2, 12)}`,
  });

  type Case = [string, () => Promise<unknown>];
  const objectCases = (): Case[] => [
    ['orders.get of a draft, for an actor', () => as.actorA.orders.get.query({ orderId: ids.draft })],
    ['orders.get of a draft, for another funder', () => as.funderB.orders.get.query({ orderId: ids.draft })],
    ['bids.ofOrder of a draft, for an actor', () => as.actorA.bids.ofOrder.query({ orderId: ids.draft })],
    ['orders.update by another funder', () => as.funderB.orders.update.mutate({ orderId: ids.draft, ...orderFields })],
    ['orders.publish by another funder', () => as.funderB.orders.publish.mutate({ orderId: ids.draft })],
    ['orders.cancel by another funder', () => as.funderB.orders.cancel.mutate({ orderId: ids.open })],
    ['orders.cancel by a bidding actor', () => as.actorA.orders.cancel.mutate({ orderId: ids.open })],
    ['orders.recordPayment by a funder that does not fund the order', () => as.funderB.orders.recordPayment.mutate({ orderId: ids.open, organisationId: ids.funderB, amountCents: 100, reference: 'VIR', idempotencyKey: 'cle-permission-1' })],
    ['orders.spending of another funder', () => as.funderB.orders.spending.query({ organisationId: ids.funderA })],
    ['bids.withdraw of another actor’s bid', () => as.actorB.bids.withdraw.mutate({ bidId: ids.bidA })],
    ['bids.withdraw of a bid by the order’s funder', () => as.funderA.bids.withdraw.mutate({ bidId: ids.bidA })],
    ['bids.submit for another actor', () => as.actorB.bids.submit.mutate({ orderId: ids.open, organisationId: ids.actorA, unitPriceCents: 1_000, lines: [{ placeId: ids.placeA, quantity: 1 }] })],
    ['bids.mine of another actor', () => as.actorB.bids.mine.query({ organisationId: ids.actorA })],
    ['awards.create by another funder', () => as.funderB.awards.create.mutate({ orderId: ids.awarding, lines: [{ bidId: ids.bidOnAwarding, placeId: ids.placeA, quantity: 1 }] })],
    ['awards.create by the bidding actor', () => as.actorA.awards.create.mutate({ orderId: ids.awarding, lines: [{ bidId: ids.bidOnAwarding, placeId: ids.placeA, quantity: 1 }] })],
    ['awards.rejectBids by another funder', () => as.funderB.awards.rejectBids.mutate({ orderId: ids.open, bidIds: [ids.bidA] })],
    ['awards.closeBidding by another funder', () => as.funderB.awards.closeBidding.mutate({ orderId: ids.open })],
    ['awards.finish by another funder', () => as.funderB.awards.finish.mutate({ orderId: ids.awarding })],
    ['awards.ofPlace of another actor’s place', () => as.actorB.awards.ofPlace.query({ placeId: ids.placeA })],
    ['deliveries.record on another actor’s award', () => as.actorB.deliveries.record.mutate(deliveryOf(ids.awardA))],
    ['deliveries.record on an award by its funder', () => as.funderA.deliveries.record.mutate(deliveryOf(ids.awardA))],
    ['deliveries.ofAward of another actor’s award', () => as.actorB.deliveries.ofAward.query({ awardId: ids.awardA })],
  ];

  it.each(objectCases().map(([label], index) => [label, index] as const))('%s is FORBIDDEN', async (_label, index) => {
    const before = testApp.db.$client.prepare('select (select count(*) from bids where status = \'withdrawn\') + (select count(*) from awards) + (select count(*) from deliveries) + (select count(*) from ledger_transactions) as n').get();

    expect(await errorOf(objectCases()[index]![1]())).toEqual(FORBIDDEN);
    expect(testApp.db.$client.prepare('select (select count(*) from bids where status = \'withdrawn\') + (select count(*) from awards) + (select count(*) from deliveries) + (select count(*) from ledger_transactions) as n').get()).toEqual(before);
  });

  const unknownCases = (): Case[] => [
    ['orders.get', () => as.actorA.orders.get.query({ orderId: UNKNOWN })],
    ['orders.update', () => as.funderA.orders.update.mutate({ orderId: UNKNOWN, ...orderFields })],
    ['orders.publish', () => as.funderA.orders.publish.mutate({ orderId: UNKNOWN })],
    ['orders.cancel', () => as.funderA.orders.cancel.mutate({ orderId: UNKNOWN })],
    ['orders.coFund', () => as.funderB.orders.coFund.mutate({ orderId: UNKNOWN, organisationId: ids.funderB, shareCents: 100 })],
    ['orders.recordPayment', () => as.funderA.orders.recordPayment.mutate({ orderId: UNKNOWN, organisationId: ids.funderA, amountCents: 100, reference: 'VIR', idempotencyKey: 'cle-permission-2' })],
    ['bids.submit', () => as.actorA.bids.submit.mutate({ orderId: UNKNOWN, organisationId: ids.actorA, unitPriceCents: 1_000, lines: [{ placeId: ids.placeA, quantity: 1 }] })],
    ['bids.withdraw', () => as.actorA.bids.withdraw.mutate({ bidId: UNKNOWN })],
    ['bids.ofOrder', () => as.actorA.bids.ofOrder.query({ orderId: UNKNOWN })],
    ['awards.create', () => as.funderA.awards.create.mutate({ orderId: UNKNOWN, lines: [{ bidId: ids.bidA, placeId: ids.placeA, quantity: 1 }] })],
    ['awards.rejectBids', () => as.funderA.awards.rejectBids.mutate({ orderId: UNKNOWN, bidIds: [ids.bidA] })],
    ['awards.closeBidding', () => as.funderA.awards.closeBidding.mutate({ orderId: UNKNOWN })],
    ['awards.finish', () => as.funderA.awards.finish.mutate({ orderId: UNKNOWN })],
    ['awards.ofPlace', () => as.actorA.awards.ofPlace.query({ placeId: UNKNOWN })],
    ['deliveries.record', () => as.actorA.deliveries.record.mutate(deliveryOf(UNKNOWN))],
    ['deliveries.ofAward', () => as.actorA.deliveries.ofAward.query({ awardId: UNKNOWN })],
  ];

  it.each(unknownCases().map(([label], index) => [label, index] as const))('%s of an id that does not exist is FORBIDDEN, not NOT_FOUND', async (_label, index) => {
    expect(await errorOf(unknownCases()[index]![1]())).toEqual(FORBIDDEN);
  });

  it('qualification.decide and ledger.check are FORBIDDEN to funders and actors: they belong to the operator', async () => {
    for (const api of [as.funderA, as.actorA]) {
      expect(await errorOf(api.qualification.decide.mutate({ placeId: ids.placeB, decision: 'suspend', reason: 'Je suspends un concurrent' }))).toEqual(OPERATOR_ONLY);
      expect(await errorOf(api.qualification.decide.mutate({ placeId: UNKNOWN, decision: 'suspend', reason: 'Sondage des identifiants' }))).toEqual(OPERATOR_ONLY);
      expect(await errorOf(api.ledger.check.query())).toEqual(OPERATOR_ONLY);
    }
    expect((await as.operator.places.get.query({ placeId: ids.placeB })).status).toBe('qualified');
  });

  it('the operator reads any order, bid list, place awards and award deliveries, and gets NOT_FOUND for ids that do not exist', async () => {
    expect((await as.operator.orders.get.query({ orderId: ids.draft })).order.status).toBe('draft');
    expect((await as.operator.bids.ofOrder.query({ orderId: ids.open })).bids).toHaveLength(2);
    expect(await as.operator.awards.ofPlace.query({ placeId: ids.placeA })).toHaveLength(1);
    expect(await as.operator.deliveries.ofAward.query({ awardId: ids.awardA })).toEqual([]);
    expect(await errorOf(as.operator.orders.get.query({ orderId: UNKNOWN }))).toEqual({ code: 'NOT_FOUND', httpStatus: 404, message: 'Commande introuvable', fieldErrors: undefined });
    expect(await errorOf(as.operator.awards.ofPlace.query({ placeId: UNKNOWN }))).toEqual({ code: 'NOT_FOUND', httpStatus: 404, message: 'Lieu introuvable', fieldErrors: undefined });
    expect(await errorOf(as.operator.deliveries.ofAward.query({ awardId: UNKNOWN }))).toEqual({ code: 'NOT_FOUND', httpStatus: 404, message: 'Attribution introuvable', fieldErrors: undefined });
  });

  it('the owners themselves get through: the funder reads its draft, the bidder its bid, the actor its award', async () => {
    expect((await as.funderA.orders.get.query({ orderId: ids.draft })).viewer).toEqual({ isFunder: true, isCreator: true });
    expect((await as.actorA.bids.ofOrder.query({ orderId: ids.open })).bids.map((b) => b.id)).toEqual([ids.bidA]);
    expect((await as.actorA.awards.ofPlace.query({ placeId: ids.placeA })).map((a) => a.id)).toEqual([ids.awardA]);
  });
});
