import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { and, eq } from 'drizzle-orm';
import { isRuralCommune } from '../../shared/domain/communes';
import { awardLines, closeBidding } from '../../server/services/awards';
import { recordDeliveryBatch } from '../../server/services/deliveries';
import { confirmDraftLine, draftView, editDraftLine, editDraftTerms, openDraft, submitDraft } from '../../server/services/drafts';
import { createOrder, publishOrder, recordPayment } from '../../server/services/orders';
import { createPartnership, invitePlace, respondToInvitation } from '../../server/services/partnerships';
import { beneficiaryRef, sessionUserOf } from '../../test/factories/marketplace';
import type { Db } from '../client';
import { organisations, places, serviceOrders } from '../schema';

/**
 * Partnerships of the demo, made through the partnership and draft services: a CAE in Bretagne
 * with six member places (rural and urban), one invitation waiting in Ty Numérik's inbox, a
 * joint bid already awarded and partly delivered (its pooling fees in the CAE's account), and a
 * draft under way on the open winter order; a local partnership in Aveyron.
 */
export function seedPartnerships(db: Db, ctx: { userOf: Map<number, number>; today: string; year: number }) {
  const { userOf, today, year } = ctx;
  const orgId = (name: string) => db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()!.id;
  const userFor = (organisationId: number) => sessionUserOf(db, userOf.get(organisationId)!);
  const qualified = db.select().from(places).where(eq(places.status, 'qualified')).orderBy(places.id).all();
  const placeNamed = (name: string) => qualified.find((p) => p.name === name)!;

  const liens = orgId('Coopérative Les Liens du Numérique');
  const tyNumerik = orgId('Association Ty Numérik');
  const lead = userFor(liens);
  const { partnershipId: cae } = createPartnership(db, lead, {
    organisationId: liens,
    kind: 'cae',
    name: 'CAE Numérique Solidaire Bretagne',
    departementCodes: ['22', '29', '35', '56'],
    poolingFeeBps: 800,
    charter:
      'Nous mutualisons nos compétences de médiation numérique pour répondre ensemble aux commandes bretonnes. ' +
      'La contribution de 8 % finance la coordination, la comptabilité et la formation des médiateurs.',
  });
  const bretagne = qualified.filter((p) => ['22', '29', '35', '56'].includes(p.departementCode) && p.organisationId !== liens && p.organisationId !== tyNumerik);
  const rural = bretagne.filter((p) => isRuralCommune(p.mainCommuneCode)).slice(0, 2);
  const urban = bretagne.filter((p) => !isRuralCommune(p.mainCommuneCode) && p.departementCode !== '35').slice(0, 2);
  const members = [placeNamed('Les Liens du Numérique — Rennes Villejean'), placeNamed('Espace numérique Ty Numérik — Quimper'), ...rural, ...urban];
  for (const place of members) {
    invitePlace(db, lead, cae, place.id);
    if (place.organisationId !== liens) respondToInvitation(db, userFor(place.organisationId), cae, place.id, true);
  }
  // Ty Numérik's bus is invited too: the demo actor finds it in its inbox.
  invitePlace(db, lead, cae, placeNamed('Bus numérique du Cap Sizun').id);

  // A Région Bretagne order answered by the CAE as one joint bid, awarded per member place.
  const region = orgId('Région Bretagne');
  const pooled = createOrder(
    db,
    region,
    {
      title: `Tournées mutualisées de médiation numérique ${year}`,
      description: 'Commande réservée aux réponses mutualisées : une offre commune couvrant villes et bourgs ruraux.',
      services: [Service.AideAuxDemarchesAdministratives, Service.MaitriseDesOutilsNumeriquesDuQuotidien],
      departementCodes: ['22', '29', '35', '56'],
      communeCodes: [],
      quantity: 240,
      unitPriceCents: 1_000,
      targetPeople: 60,
      bidDeadline: `${year}-03-15`,
      deliveryStartsOn: `${year}-04-01`,
      deliveryEndsOn: `${year}-12-31`,
      roundId: null,
      passRequired: false,
    },
    userOf.get(region)!,
  );
  publishOrder(db, pooled, `${year}-03-01`);
  recordPayment(db, { orderId: pooled, organisationId: region, amountCents: 240_000, reference: `VIR-RB-${year}-CAE`, idempotencyKey: `demo-payment-cae-${pooled}` });
  const bidId = openDraft(db, lead, cae, pooled, `${year}-03-05`);
  for (const line of draftView(db, bidId).lines) {
    const owner = userFor(line.organisationId);
    editDraftLine(db, owner, { bidId, version: draftView(db, bidId).bid.version, placeId: line.placeId, quantity: 40 });
    confirmDraftLine(db, owner, { bidId, version: draftView(db, bidId).bid.version, placeId: line.placeId, confirmed: true });
  }
  editDraftTerms(db, lead, { bidId, version: draftView(db, bidId).bid.version, note: 'Offre commune de la CAE : chaque lieu assure 40 services, tournées coordonnées.', unitPriceCents: 1_000 });
  submitDraft(db, lead, { bidId, version: draftView(db, bidId).bid.version }, `${year}-03-10`);
  closeBidding(db, pooled);
  const lines = draftView(db, bidId).lines.map((l) => ({ bidId, placeId: l.placeId, quantity: 40 }));
  const { awardIds } = awardLines(db, { orderId: pooled, lines: lines.slice(0, 6) }, userOf.get(region)!, `${year}-03-20`);
  // Deliveries from April to today: about two thirds done.
  awardIds.forEach((awardId, i) => {
    const place = lines[i]!.placeId;
    const owner = qualified.find((p) => p.id === place)!.organisationId;
    const rows = Array.from({ length: 9 }, (_, k) => ({
      awardId,
      quantity: 3,
      deliveredOn: spread(`${year}-04-01`, today, k, 9),
      service: Service.AideAuxDemarchesAdministratives,
      beneficiaryRef: beneficiaryRef(`cae:${place}:${k}`),
      idempotencyKey: `demo-cae-${awardId}-${k}`,
    }));
    if (today >= `${year}-04-01`) recordDeliveryBatch(db, userFor(owner), rows, today);
  });

  // A draft under way on the open winter order in Finistère: lines proposed, not all confirmed.
  const winter = db
    .select({ id: serviceOrders.id })
    .from(serviceOrders)
    .where(and(eq(serviceOrders.status, 'open'), eq(serviceOrders.title, 'Campagne d’hiver — démarches en ligne des allocataires')))
    .get();
  if (winter) {
    const draft = openDraft(db, lead, cae, winter.id, today);
    const [first] = draftView(db, draft).lines;
    if (first) {
      editDraftLine(db, lead, { bidId: draft, version: draftView(db, draft).bid.version, placeId: first.placeId, quantity: 150 });
    }
    editDraftTerms(db, lead, { bidId: draft, version: draftView(db, draft).bid.version, note: 'Brouillon : chaque lieu indique ce qu’il peut assurer d’ici fin janvier.', unitPriceCents: 1_000 });
  }

  // A local partnership of three places in Aveyron, led by the actor of the first one.
  const aveyron = qualified.filter((p) => p.departementCode === '12');
  const aveyronLead = aveyron[0]!.organisationId;
  const { partnershipId: local } = createPartnership(db, userFor(aveyronLead), {
    organisationId: aveyronLead,
    kind: 'local',
    name: 'Partenariat local Aveyron connecté',
    departementCodes: ['12'],
    poolingFeeBps: 300,
    charter: 'Trois lieux aveyronnais coordonnent leurs tournées pour couvrir les communes rurales du département.',
  });
  for (const place of aveyron.slice(0, 3)) {
    invitePlace(db, userFor(aveyronLead), local, place.id);
    if (place.organisationId !== aveyronLead) respondToInvitation(db, userFor(place.organisationId), local, place.id, true);
  }
}

/** The k-th of n dates spread evenly from `from` to `to` (inclusive). */
function spread(from: string, to: string, k: number, n: number): string {
  const start = Date.parse(`${from}T12:00:00Z`);
  const end = Math.max(start, Date.parse(`${to}T12:00:00Z`));
  return new Date(start + Math.floor(((end - start) * k) / Math.max(1, n - 1))).toISOString().slice(0, 10);
}
