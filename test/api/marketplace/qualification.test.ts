import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { organisations } from '../../../db/schema';
import type { ApplyPlaceInput } from '../../../shared/schemas/qualification';
import { makeMember, makeOrganisation, makePlace, makeSiret } from '../../factories';
import { makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';
import { expectLedgerClean, fundedOrder, marketplace, refusal, sessionFor, snapshot, thisYear, type Marketplace } from './helpers';

let m: Marketplace;
beforeEach(async () => {
  m = await marketplace();
});
afterEach(() => expectLedgerClean(m.db));

const siretOf = (organisationId: number) => m.db.select().from(organisations).where(eq(organisations.id, organisationId)).get()!.siret!;

const ALL_YES = { publicAccess: true, trainedMediators: true, freeForBeneficiaries: true, anonymousByDefault: true, qualityCharter: true };

function application(overrides: Partial<ApplyPlaceInput> = {}): ApplyPlaceInput {
  return {
    organisationId: m.actor.organisationId,
    siret: siretOf(m.actor.organisationId),
    name: 'Espace numérique de Kerfeunteun',
    mode: 'fixed',
    mainCommuneCode: '29232', // Quimper
    address: '12 rue de Kerfeunteun, 29000 Quimper',
    services: [Service.AideAuxDemarchesAdministratives, Service.MaitriseDesOutilsNumeriquesDuQuotidien],
    yearlyCapacity: 1_800,
    legalRepresentative: 'Nolwenn Le Gall, présidente',
    eligibility: ALL_YES,
    ...overrides,
  };
}

const OPERATOR_ONLY = { code: 'FORBIDDEN', httpStatus: 403, message: 'Réservé à l’opérateur du dispositif' };

describe('an actor applying for a place', () => {
  it('applies for a fixed place with its own SIRET, and the place enters the operator’s queue as applied', async () => {
    const place = await m.as.actor.qualification.submitApplication.mutate(application());

    expect(place).toMatchObject({
      organisationId: m.actor.organisationId,
      name: 'Espace numérique de Kerfeunteun',
      mode: 'fixed',
      status: 'applied',
      qualifiedAt: null,
      mainCommune: { code: '29232', nom: 'Quimper' },
      departement: { code: '29', nom: 'Finistère' },
      communes: [{ code: '29232', nom: 'Quimper' }],
      yearlyCapacity: 1_800,
    });
    const queue = await m.as.operator.qualification.queue.query({});
    expect(queue.map((entry) => entry.place.id)).toEqual([place.id]);
    expect(queue[0]).toMatchObject({ organisationName: 'Association Ty Numérik', siret: siretOf(m.actor.organisationId), unmetCriteria: [] });
    const history = await m.as.operator.qualification.history.query({ placeId: place.id });
    expect(history.map((e) => [e.fromStatus, e.toStatus])).toEqual([[null, 'applied']]);
  });

  it('applies for an itinerant place serving several communes, each becoming a point of presence', async () => {
    const place = await m.as.actor.qualification.submitApplication.mutate(
      application({ mode: 'itinerant', address: undefined, mainCommuneCode: '29232', communeCodes: ['29151', '29019'] }),
    );

    expect(place.communes.map((c) => c.code)).toEqual(['29019', '29151', '29232']);
  });

  it('shows the operator which eligibility criteria an applicant answered no to', async () => {
    const place = await m.as.actor.qualification.submitApplication.mutate(
      application({ eligibility: { ...ALL_YES, trainedMediators: false, qualityCharter: false } }),
    );

    const [entry] = await m.as.operator.qualification.queue.query({});
    expect(entry).toMatchObject({ place: { id: place.id }, unmetCriteria: ['trainedMediators', 'qualityCharter'] });
  });

  it('refuses an itinerant place that serves a single commune, on communeCodes, and writes nothing', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.qualification.submitApplication.mutate(application({ mode: 'itinerant', communeCodes: ['29232'] })));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(answer.fieldErrors).toEqual({ communeCodes: ['Un lieu itinérant dessert au moins deux communes'] });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a fixed place without an address, on address, and writes nothing', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.qualification.submitApplication.mutate(application({ address: undefined })));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { address: ['Adresse requise pour un lieu fixe'] } });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a main commune that does not exist in the official geographic code, on mainCommuneCode', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.qualification.submitApplication.mutate(application({ mainCommuneCode: '29999' })));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message: 'Commune inconnue du code officiel géographique' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses an unknown commune among the points of presence, on communeCodes, and writes nothing', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(
      m.as.actor.qualification.submitApplication.mutate(application({ mode: 'itinerant', communeCodes: ['29151', '29998'] })),
    );

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message: 'Commune inconnue : 29998' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a valid SIRET that is not the organisation’s own, on siret, and writes nothing', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(m.as.actor.qualification.submitApplication.mutate(application({ siret: makeSiret(424_242) })));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, message: 'Ce SIRET n’est pas celui de votre organisation' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('accepts the organisation’s own SIRET written with spaces', async () => {
    const siret = siretOf(m.actor.organisationId);
    const spaced = `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`;

    expect((await m.as.actor.qualification.submitApplication.mutate(application({ siret: spaced }))).status).toBe('applied');
  });

  it('records the SIRET of an actor that had none, and refuses one another organisation already holds', async () => {
    const bare = await makeMember(m.db, 'actor', { siret: null });
    const api = sessionFor(m.testApp, bare.user.id).api;
    const before = snapshot(m.db);

    const taken = await refusal(api.qualification.submitApplication.mutate(application({ organisationId: bare.organisationId, siret: siretOf(m.rival.organisationId) })));
    expect(taken).toMatchObject({ code: 'BAD_REQUEST', message: 'Ce SIRET appartient déjà à une autre organisation' });
    expect(snapshot(m.db)).toEqual(before);

    const siret = makeSiret(777_777);
    await api.qualification.submitApplication.mutate(application({ organisationId: bare.organisationId, siret }));
    expect(siretOf(bare.organisationId)).toBe(siret);
  });

  it('refuses a funder applying for a place with FORBIDDEN, even with its own SIRET', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(
      m.as.funder.qualification.submitApplication.mutate(application({ organisationId: m.funder.organisationId, siret: siretOf(m.funder.organisationId) })),
    );

    expect(answer).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, message: 'Seul un acteur de la médiation numérique peut candidater pour un lieu' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a user applying on behalf of an organisation they are not a member of with FORBIDDEN', async () => {
    const before = snapshot(m.db);

    const answer = await refusal(m.as.rival.qualification.submitApplication.mutate(application()));

    expect(answer).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, message: 'Accès refusé à cette ressource' });
    expect(snapshot(m.db)).toEqual(before);
  });

  it.each([
    ['mainCommuneCode', { mainCommuneCode: '29999' }, { mainCommuneCode: ['Commune inconnue du code officiel géographique'] }],
    ['communeCodes.1', { mode: 'itinerant', communeCodes: ['29151', '29998'] }, { 'communeCodes.1': ['Commune inconnue : 29998'] }],
    ['siret', { siret: makeSiret(424_242) }, { siret: ['Ce SIRET n’est pas celui de votre organisation'] }],
  ] as const)('names the field %s of a refusal found after the schema passed', async (_field, overrides, fieldErrors) => {
    const answer = await refusal(m.as.actor.qualification.submitApplication.mutate(application(overrides as Partial<ApplyPlaceInput>)));

    expect(answer.fieldErrors).toEqual(fieldErrors);
  });
});

describe('the operator’s queue and the territory balance', () => {
  it('shows each applied place with its département’s balance, which moves with paid funding and qualified places', async () => {
    // Côtes-d’Armor: no place and no funding yet.
    const applicant = await m.as.actor.qualification.submitApplication.mutate(
      application({ mainCommuneCode: '22278', address: '1 place du Général de Gaulle, Saint-Brieuc' }),
    );
    const balance = async () => (await m.as.operator.qualification.queue.query({})).find((e) => e.place.id === applicant.id)!.balance;

    expect(await balance()).toMatchObject({ departementCode: '22', fundingCents: 0, qualifiedPlaces: 0, sustainableMin: 0, sustainableMax: 0, status: 'balanced' });

    // One qualified place and no money: dilution.
    const other = makeOrganisation(m.db, 'actor');
    makePlace(m.db, { organisationId: other, mainCommuneCode: '22278', status: 'qualified' });
    expect(await balance()).toMatchObject({ fundingCents: 0, qualifiedPlaces: 1, status: 'dilution' });

    // An order for the Côtes-d’Armor of 30 000 €, half paid in so far: only paid money counts.
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { departementCodes: ['22'], quantity: 3_000 }, 1_500_000);
    expect(await balance()).toMatchObject({ fundingCents: 1_500_000, qualifiedPlaces: 1, sustainableMin: 0.6, sustainableMax: 1, status: 'balanced' });
    await m.as.funder.orders.recordPayment.mutate({
      orderId,
      organisationId: m.funder.organisationId,
      amountCents: 1_500_000,
      reference: 'VIR-SOLDE',
      idempotencyKey: 'solde-cotes-d-armor',
    });
    expect(await balance()).toMatchObject({ fundingCents: 3_000_000, qualifiedPlaces: 1, sustainableMin: 1.2, sustainableMax: 2, status: 'room' });

    // Money paid for another département does not count here.
    await fundedOrder(m.as.funder, m.funder.organisationId, { departementCodes: ['29'], quantity: 500 });
    expect((await balance()).fundingCents).toBe(3_000_000);

    // The operator qualifies a second place: balanced; a third: dilution.
    const second = makePlace(m.db, { organisationId: other, mainCommuneCode: '22278', status: 'applied' });
    await m.as.operator.qualification.decide.mutate({ placeId: second, decision: 'qualify', reason: 'Dossier complet' });
    expect(await balance()).toMatchObject({ qualifiedPlaces: 2, status: 'balanced' });
    makePlace(m.db, { organisationId: other, mainCommuneCode: '22278', status: 'qualified' });
    const third = await balance();
    expect(third).toMatchObject({ fundingCents: 3_000_000, qualifiedPlaces: 3, status: 'dilution' });

    // The same balance, asked for directly.
    expect(await m.as.operator.qualification.balance.query({ departementCode: '22' })).toEqual(third);
  });

  it('lists the places of any status on request, oldest application first', async () => {
    const first = makePlace(m.db, { organisationId: m.actor.organisationId, status: 'suspended', appliedAt: '2024-02-01T09:00:00.000Z' });
    const second = makePlace(m.db, { organisationId: m.rival.organisationId, status: 'suspended', appliedAt: '2024-01-01T09:00:00.000Z' });
    makePlace(m.db, { organisationId: m.actor.organisationId, status: 'qualified' });

    const queue = await m.as.operator.qualification.queue.query({ status: 'suspended', year: thisYear() });

    expect(queue.map((e) => e.place.id)).toEqual([second, first]);
  });

  it('refuses the queue, the balance and the history to a funder and to an actor', async () => {
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId, status: 'applied' });

    for (const api of [m.as.funder, m.as.actor]) {
      expect(await refusal(api.qualification.queue.query({}))).toMatchObject(OPERATOR_ONLY);
      expect(await refusal(api.qualification.balance.query({ departementCode: '29' }))).toMatchObject(OPERATOR_ONLY);
      expect(await refusal(api.qualification.history.query({ placeId }))).toMatchObject(OPERATOR_ONLY);
    }
  });

  it('refuses a balance for a département code that does not exist, on departementCode', async () => {
    const answer = await refusal(m.as.operator.qualification.balance.query({ departementCode: '99' }));

    expect(answer).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { departementCode: ['Code de département INSEE inconnu'] } });
  });
});

describe('the operator’s decisions', () => {
  it('qualifies an applied place with a reason, and keeps the first qualification date across suspension and reinstatement', async () => {
    const { id: placeId } = await m.as.actor.qualification.submitApplication.mutate(application());

    expect(await m.as.operator.qualification.decide.mutate({ placeId, decision: 'qualify', reason: 'Dossier complet, visite faite' })).toEqual({
      placeId,
      organisationId: m.actor.organisationId,
      from: 'applied',
      status: 'qualified',
    });
    const qualified = await m.as.actor.places.get.query({ placeId });
    expect(qualified).toMatchObject({ status: 'qualified', statusReason: 'Dossier complet, visite faite' });
    expect(qualified.qualifiedAt).toEqual(expect.any(String));

    await m.as.operator.qualification.decide.mutate({ placeId, decision: 'suspend', reason: 'Contrôle qualité en cours' });
    expect(await m.as.actor.places.get.query({ placeId })).toMatchObject({
      status: 'suspended',
      statusReason: 'Contrôle qualité en cours',
      qualifiedAt: qualified.qualifiedAt,
    });

    await m.as.operator.qualification.decide.mutate({ placeId, decision: 'reinstate', reason: 'Contrôle satisfaisant' });
    expect(await m.as.actor.places.get.query({ placeId })).toMatchObject({
      status: 'qualified',
      statusReason: 'Contrôle satisfaisant',
      qualifiedAt: qualified.qualifiedAt, // early adopters keep their rank
    });

    const history = await m.as.operator.qualification.history.query({ placeId });
    expect(history.map((e) => [e.fromStatus, e.toStatus, e.reason])).toEqual([
      [null, 'applied', 'Candidature déposée'],
      ['applied', 'qualified', 'Dossier complet, visite faite'],
      ['qualified', 'suspended', 'Contrôle qualité en cours'],
      ['suspended', 'qualified', 'Contrôle satisfaisant'],
    ]);
  });

  it('rejects an applied place with a reason, after which it can no longer be qualified', async () => {
    const { id: placeId } = await m.as.actor.qualification.submitApplication.mutate(application());

    await m.as.operator.qualification.decide.mutate({ placeId, decision: 'reject', reason: 'Hors du champ de la médiation numérique' });
    expect(await m.as.actor.places.get.query({ placeId })).toMatchObject({ status: 'rejected', qualifiedAt: null });

    const before = snapshot(m.db);
    expect(await refusal(m.as.operator.qualification.decide.mutate({ placeId, decision: 'qualify', reason: 'Nouvel examen' }))).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      message: 'Décision « qualify » impossible pour un lieu au statut « rejected »',
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it.each([
    ['applied', 'suspend'],
    ['applied', 'reinstate'],
    ['qualified', 'qualify'],
    ['qualified', 'reject'],
    ['qualified', 'reinstate'],
    ['suspended', 'qualify'],
    ['suspended', 'suspend'],
    ['suspended', 'reject'],
    ['rejected', 'reinstate'],
    ['rejected', 'suspend'],
  ] as const)('refuses to %s a place with “%s” as a CONFLICT and changes nothing', async (status, decision) => {
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId, status });
    const before = snapshot(m.db);

    expect(await refusal(m.as.operator.qualification.decide.mutate({ placeId, decision, reason: 'Décision de test' }))).toMatchObject({
      code: 'CONFLICT',
      message: `Décision « ${decision} » impossible pour un lieu au statut « ${status} »`,
    });
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a decision without a reason, on reason, and changes nothing', async () => {
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId, status: 'applied' });
    const before = snapshot(m.db);

    for (const reason of ['', '   ', 'ok']) {
      const answer = await refusal(m.as.operator.qualification.decide.mutate({ placeId, decision: 'qualify', reason }));
      expect(answer).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { reason: ['Motif requis (3 caractères au moins)'] } });
    }
    const missing = await refusal(m.as.operator.qualification.decide.mutate({ placeId, decision: 'qualify' } as never));
    expect(missing.code).toBe('BAD_REQUEST');
    expect(Object.keys(missing.fieldErrors ?? {})).toEqual(['reason']);
    expect(snapshot(m.db)).toEqual(before);
  });

  it('refuses a decision from anyone but the operator, the place’s own actor included', async () => {
    const placeId = makePlace(m.db, { organisationId: m.actor.organisationId, status: 'applied' });
    const before = snapshot(m.db);

    for (const api of [m.as.actor, m.as.funder, m.as.rival]) {
      expect(await refusal(api.qualification.decide.mutate({ placeId, decision: 'qualify', reason: 'Je me qualifie' }))).toMatchObject(OPERATOR_ONLY);
    }
    expect(snapshot(m.db)).toEqual(before);
  });

  it('answers NOT_FOUND to the operator deciding on a place that does not exist', async () => {
    expect(await refusal(m.as.operator.qualification.decide.mutate({ placeId: 999_999, decision: 'qualify', reason: 'Dossier complet' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Lieu introuvable',
    });
  });
});

describe('a suspended place', () => {
  it('cannot bid, be awarded or record deliveries, but keeps its figures and its awards, and works again once reinstated', async () => {
    const { db } = m;
    const placeId = makePlace(db, { organisationId: m.actor.organisationId, mainCommuneCode: '29232' });
    // Before the suspension: an award of 50 with 3 services delivered…
    const delivered = makeOrder(db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 100 });
    const deliveredBid = makeBid(db, { orderId: delivered, organisationId: m.actor.organisationId, lines: [{ placeId, quantity: 50 }] });
    const [awardId] = makeAwards(db, { orderId: delivered, userId: m.funder.user.id, lines: [{ bidId: deliveredBid, placeId, quantity: 50 }] });
    makeDelivery(db, sessionUserOf(db, m.actor.user.id), { awardId: awardId!, quantity: 3, beneficiary: 'personne-1' });
    // …a standing bid on an order whose bidding the funder closed, and an open order.
    const pending = makeOrder(db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 40 });
    const pendingBid = makeBid(db, { orderId: pending, organisationId: m.actor.organisationId, lines: [{ placeId, quantity: 40 }] });
    await m.as.funder.awards.closeBidding.mutate({ orderId: pending });
    const open = makeOrder(db, { funderOrganisationId: m.funder.organisationId, userId: m.funder.user.id, quantity: 30 });
    expect((await m.as.actor.orders.open.query({ organisationId: m.actor.organisationId })).map((o) => o.id)).toEqual([open]);
    const placeBefore = await m.as.actor.places.get.query({ placeId });
    const awardsBefore = await m.as.actor.awards.ofPlace.query({ placeId });

    await m.as.operator.qualification.decide.mutate({ placeId, decision: 'suspend', reason: 'Signalement à instruire' });
    const before = snapshot(db);

    const bid = await refusal(
      m.as.actor.bids.submit.mutate({ orderId: open, organisationId: m.actor.organisationId, unitPriceCents: 1_000, lines: [{ placeId, quantity: 10 }] }),
    );
    expect(bid).toMatchObject({ code: 'BAD_REQUEST', message: 'Ce lieu n’est pas qualifié : il ne peut pas répondre' });

    const award = await refusal(m.as.funder.awards.create.mutate({ orderId: pending, lines: [{ bidId: pendingBid, placeId, quantity: 40 }] }));
    expect(award).toMatchObject({ code: 'BAD_REQUEST', message: 'Ce lieu n’est pas qualifié (suspendu ou non qualifié)' });

    const delivery = await refusal(
      m.as.actor.deliveries.record.mutate({
        awardId: awardId!,
        quantity: 1,
        deliveredOn: new Date().toISOString().slice(0, 10),
        service: Service.AideAuxDemarchesAdministratives,
        beneficiaryRef: 'a1b2c3d4e5f60718a1b2c3d4e5f60718',
        idempotencyKey: 'apres-suspension-1',
      }),
    );
    expect(delivery).toMatchObject({ code: 'CONFLICT', httpStatus: 409, message: 'Ce lieu est suspendu : il ne peut pas enregistrer de nouvelle prestation' });

    expect(snapshot(db)).toEqual(before);
    expect(await m.as.actor.orders.open.query({ organisationId: m.actor.organisationId })).toEqual([]);
    // Its history stays: figures and awards as they were.
    expect(await m.as.actor.places.get.query({ placeId })).toMatchObject({ status: 'suspended', figures: placeBefore.figures });
    expect(placeBefore.figures).toMatchObject({ servicesDelivered: 3, revenueDeliveredCents: 3_000, revenueCommittedCents: 47_000, beneficiaries: 1 });
    expect(await m.as.actor.awards.ofPlace.query({ placeId })).toEqual(awardsBefore);
    expect(awardsBefore).toMatchObject([{ id: awardId, quantity: 50, deliveredQuantity: 3 }]);

    // Reinstated, it is awarded again.
    await m.as.operator.qualification.decide.mutate({ placeId, decision: 'reinstate', reason: 'Signalement classé' });
    const { awardIds } = await m.as.funder.awards.create.mutate({ orderId: pending, lines: [{ bidId: pendingBid, placeId, quantity: 40 }] });
    expect(awardIds).toHaveLength(1);
  });
});
