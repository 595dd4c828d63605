import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { bids, organisations, payouts } from '../../../db/schema';
import { closeOrder } from '../../../server/services/credits';
import { confirmDraftLine, editDraftLine, editDraftTerms, openDraft, submitDraft } from '../../../server/services/drafts';
import { createPartnership, invitePlace, respondToInvitation } from '../../../server/services/partnerships';
import { importDeliveriesCsv } from '../../../server/services/imports';
import { acceptInvitation } from '../../../server/services/invitations';
import { bookletWithCodes, issueBooklets } from '../../../server/services/passes/booklets';
import { assignBooklets, handOutBooklet, invitePrescriber } from '../../../server/services/passes/prescribers';
import { runSettlement } from '../../../server/services/settlement';
import { monthOf, previousMonth } from '../../../shared/domain/months';
import { todayIso } from '../../../shared/domain/orders';
import { cachedHash, makeMember, makePlace, makeRound, makeUser } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';

/**
 * One world for the authorization matrices (tRPC procedures and socket.io rooms): every role
 * the product knows, and at least one object of every kind, each owned by someone, so that each
 * role meets both its own objects and foreign ones. Built through the domain services and the
 * shared factories, like the demo.
 */

export const ROLES = ['signedOut', 'funder', 'otherFunder', 'actor', 'rival', 'member', 'nonMember', 'operator'] as const;
export type Role = (typeof ROLES)[number];
export type SignedInRole = Exclude<Role, 'signedOut'>;
export const SIGNED_IN: readonly SignedInRole[] = ROLES.filter((r): r is SignedInRole => r !== 'signedOut');

/**
 * Texts and figures that must only reach those entitled to them: searched for in every answer
 * and every socket message.
 */
export const SECRETS = {
  /** The note of the actor's sealed bid on the open order: the bidder, the order's funders and the operator. */
  sealedNote: 'NOTE-SCELLEE tarif dégressif Ty Numérik 4f1c',
  /** Its unit price, lower than the order's (1 000) and found nowhere else in the world. */
  sealedUnitPriceCents: 937,
  /** The rival's sealed bid: the rival, the order's funders and the operator. */
  rivalNote: 'NOTE-SCELLEE Les Liens 9b27',
  /** The partnership's joint draft: its participants and the operator only. */
  draftNote: 'NOTE-BROUILLON CAE Finistère 3d88',
  /** The pseudonymous beneficiary of the delivery: in no answer at all. */
  beneficiaryRef: beneficiaryRef('bénéficiaire secret de Quimper'),
};

const addDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export async function buildWorld(db: Db) {
  const today = todayIso();
  const year = Number(today.slice(0, 4));
  /** The last finished month: the one the operator settles. */
  const settledMonth = previousMonth(monthOf(today));
  // A delivery window that is still running well after today (also near December).
  const windowEnd = addDays(today, 60) > `${year}-12-31` ? addDays(today, 60) : `${year}-12-31`;

  const operator = await makeMember(db, 'operator', { name: 'Réseau #APTIC' });
  const funder = await makeMember(db, 'funder', { name: 'Département du Finistère' });
  const otherFunder = await makeMember(db, 'funder', { name: 'CAF du Finistère', funderKind: 'caf' });
  const actor = await makeMember(db, 'actor', { name: 'Association Ty Numérik' });
  const rival = await makeMember(db, 'actor', { name: 'Coopérative Les Liens' });
  const member = await makeMember(db, 'actor', { name: 'Médiathèque du pays de Morlaix' });
  const nonMember = await makeMember(db, 'actor', { name: 'Association Hors Réseau' });
  /** Nobody's role: the account the sign-in rows sign in as. */
  const spare = await makeUser(db);

  const places = {
    actor: makePlace(db, { organisationId: actor.organisationId, name: 'Espace numérique de Kerfeunteun', mainCommuneCode: '29232' }),
    /** An application waiting for the operator's decision, outside the Finistère. */
    actorApplied: makePlace(db, { organisationId: actor.organisationId, name: 'Tiers-lieu de Lorient', mainCommuneCode: '56121', status: 'applied' }),
    rival: makePlace(db, { organisationId: rival.organisationId, name: 'Cyber-base de Brest', mainCommuneCode: '29019' }),
    member: makePlace(db, { organisationId: member.organisationId, name: 'Médiathèque de Morlaix', mainCommuneCode: '29151' }),
    nonMember: makePlace(db, { organisationId: nonMember.organisationId, name: 'Point numérique de Brest', mainCommuneCode: '29019' }),
  };

  const rounds = {
    open: makeRound(db, { operatorOrganisationId: operator.organisationId, name: 'Campagne Finistère', departementCodes: ['29'], opensOn: `${year}-01-01`, closesOn: `${year + 1}-01-31` }),
    closed: makeRound(db, { operatorOrganisationId: operator.organisationId, name: 'Campagne close', departementCodes: ['29'], opensOn: `${year - 1}-01-01`, closesOn: `${year - 1}-12-31`, status: 'closed' }),
  };

  // The actor leads a partnership; the member's place joins it on invitation.
  const partnership = createPartnership(db, sessionUserOf(db, actor.user.id), {
    organisationId: actor.organisationId,
    kind: 'cae',
    name: 'CAE Finistère Numérique',
    departementCodes: ['29'],
    poolingFeeBps: 500,
    charter: 'Nous mutualisons nos compétences.',
  });
  invitePlace(db, sessionUserOf(db, actor.user.id), partnership.partnershipId, places.member);
  respondToInvitation(db, sessionUserOf(db, member.user.id), partnership.partnershipId, places.member, true);

  const byFunder = { funderOrganisationId: funder.organisationId, userId: funder.user.id };
  const orders = {
    /** Published, paid in full, in the open round, with two sealed bids and the partnership's draft. */
    open: makeOrder(db, { ...byFunder, title: 'Commande ouverte aux offres', quantity: 100, roundId: rounds.open }),
    /** Never published: its funder and the operator only. */
    draft: makeOrder(db, { ...byFunder, title: 'Commande en brouillon', publish: false, paidCents: 0 }),
    /** A draft the funder publishes in the matrix. */
    toPublish: makeOrder(db, { ...byFunder, title: 'Commande à publier', publish: false, paidCents: 0 }),
    /** Published, unpaid: the funder cancels it in the matrix. */
    toCancel: makeOrder(db, { ...byFunder, title: 'Commande à annuler', paidCents: 0 }),
    /** Published, with a bid of the actor and a joint bid of the partnership, both withdrawn in the matrix. */
    toWithdrawFrom: makeOrder(db, { ...byFunder, title: 'Commande dont les offres sont retirées' }),
    /** Awarded to the actor's place and delivered in the settled month. */
    delivered: makeOrder(db, { ...byFunder, title: 'Commande en réalisation', deliveryStartsOn: `${settledMonth}-01`, deliveryEndsOn: windowEnd }),
    /** Its window ended yesterday; closed, with a credit note back to the funder. */
    closed: makeOrder(db, {
      ...byFunder,
      title: 'Commande close',
      quantity: 20,
      bidDeadline: addDays(today, -80),
      deliveryStartsOn: addDays(today, -90),
      deliveryEndsOn: addDays(today, -1),
      today: addDays(today, -90),
    }),
  };

  const bidsMade = {
    actor: makeBid(db, { orderId: orders.open, organisationId: actor.organisationId, lines: [{ placeId: places.actor, quantity: 10 }], unitPriceCents: SECRETS.sealedUnitPriceCents, note: SECRETS.sealedNote }),
    rival: makeBid(db, { orderId: orders.open, organisationId: rival.organisationId, lines: [{ placeId: places.rival, quantity: 10 }], unitPriceCents: 900, note: SECRETS.rivalNote }),
    toWithdraw: makeBid(db, { orderId: orders.toWithdrawFrom, organisationId: actor.organisationId, lines: [{ placeId: places.actor, quantity: 5 }] }),
    delivered: makeBid(db, { orderId: orders.delivered, organisationId: actor.organisationId, lines: [{ placeId: places.actor, quantity: 30 }] }),
  };

  // The joint draft on the open order: the member's line and the lead's note, not submitted.
  const draft = openDraft(db, sessionUserOf(db, actor.user.id), partnership.partnershipId, orders.open);
  editDraftLine(db, sessionUserOf(db, member.user.id), { bidId: draft, version: draftVersion(db, draft), placeId: places.member, quantity: 10 });
  editDraftTerms(db, sessionUserOf(db, actor.user.id), { bidId: draft, version: draftVersion(db, draft), note: SECRETS.draftNote, unitPriceCents: 1_000 });

  // A joint bid submitted by the lead, the member's line confirmed.
  const jointBid = openDraft(db, sessionUserOf(db, actor.user.id), partnership.partnershipId, orders.toWithdrawFrom);
  editDraftLine(db, sessionUserOf(db, member.user.id), { bidId: jointBid, version: draftVersion(db, jointBid), placeId: places.member, quantity: 5 });
  confirmDraftLine(db, sessionUserOf(db, member.user.id), { bidId: jointBid, version: draftVersion(db, jointBid), placeId: places.member, confirmed: true });
  submitDraft(db, sessionUserOf(db, actor.user.id), { bidId: jointBid, version: draftVersion(db, jointBid) });

  const [award] = makeAwards(db, { orderId: orders.delivered, userId: funder.user.id, lines: [{ bidId: bidsMade.delivered, placeId: places.actor, quantity: 20 }] });
  makeDelivery(db, sessionUserOf(db, actor.user.id), { awardId: award!, quantity: 3, deliveredOn: `${settledMonth}-10`, beneficiary: 'bénéficiaire secret de Quimper' });
  const settlement = runSettlement(db, settledMonth, operator.user.id);
  const payout = db.select({ id: payouts.id }).from(payouts).where(eq(payouts.settlementId, settlement.settlementId)).get()!.id;

  const { creditNoteIds } = closeOrder(db, orders.closed, { userId: funder.user.id, reason: 'Clôture après la période de réalisation' });

  // A delivery import of the actor whose one line was refused (a service outside the vocabulary): it delivers nothing.
  const deliveryImport = await importDeliveriesCsv(db, sessionUserOf(db, actor.user.id), actor.organisationId, 'prestations.csv', `attribution;date;service;quantite;empreinte_personne\n${award};${today};Cours de cuisine;1;${SECRETS.beneficiaryRef}\n`);

  // Pass (issue 11): an order that requires them, awarded to the actor's place, with two booklets
  // held by a prescriber the funder invited (its contact had an account), one of them handed out.
  // Prescribers are no role of ROLES (the rooms matrix has its own checks for them): the
  // procedures' matrix adds the prescriber's contact as a role of its own.
  const passOrder = makeOrder(db, { ...byFunder, title: 'Commande avec pass', passRequired: true, deliveryEndsOn: windowEnd });
  const passBid = makeBid(db, { orderId: passOrder, organisationId: actor.organisationId, lines: [{ placeId: places.actor, quantity: 20 }] });
  const [passAward] = makeAwards(db, { orderId: passOrder, userId: funder.user.id, lines: [{ bidId: passBid, placeId: places.actor, quantity: 20 }] });
  const unusable = await cachedHash('mot de passe inutilisable du monde');
  const asFunder = () => sessionUserOf(db, funder.user.id);
  /** A prescriber of the funder; the path of its contact's invitation link, if the contact had no account. */
  const invite = (name: string, contactEmail: string) =>
    invitePrescriber(db, asFunder(), { organisationId: funder.organisationId, name, contactName: `Contact de ${name}`, contactEmail, departementCode: '29' }, unusable);
  const prescriberContact = await makeUser(db);
  const prescriber = invite('Mairie de Quimper, accueil social', prescriberContact.email);
  const issued = issueBooklets(db, asFunder(), { orderId: passOrder, organisationId: funder.organisationId, booklets: 2, size: 5 });
  const [heldBooklet, handedOutBooklet] = issued.bookletIds as [number, number];
  assignBooklets(db, asFunder(), { organisationId: funder.organisationId, bookletIds: [heldBooklet, handedOutBooklet], prescriberOrganisationId: prescriber.organisationId });
  handOutBooklet(db, sessionUserOf(db, prescriberContact.id), { organisationId: prescriber.organisationId, bookletId: handedOutBooklet, handedOutOn: today, category: null });
  const passCodes = bookletWithCodes(db, asFunder(), heldBooklet).passes.map((p) => p.code);
  // Two invitation links of other prescribers: one still pending, one already used.
  const tokenOf = (path: string | null) => path!.slice('/invitation/'.length);
  const pendingInvited = invite('Espace France Services de Châteaulin', 'invitation-en-attente@exemple.test');
  const pendingInvitation = tokenOf(pendingInvited.invitationPath);
  const usedInvitation = tokenOf(invite('Centre social de Briec', 'invitation-utilisee@exemple.test').invitationPath);
  await acceptInvitation(db, { token: usedInvitation, password: 'un mot de passe déjà choisi' });

  const siretOf = (organisationId: number) => db.select({ siret: organisations.siret }).from(organisations).where(eq(organisations.id, organisationId)).get()!.siret!;

  return {
    today,
    settledMonth,
    windowEnd,
    users: {
      funder: funder.user,
      otherFunder: otherFunder.user,
      actor: actor.user,
      rival: rival.user,
      member: member.user,
      nonMember: nonMember.user,
      operator: operator.user,
    } satisfies Record<SignedInRole, { id: number; email: string; password: string }>,
    spare,
    orgs: {
      funder: funder.organisationId,
      otherFunder: otherFunder.organisationId,
      actor: actor.organisationId,
      rival: rival.organisationId,
      member: member.organisationId,
      nonMember: nonMember.organisationId,
      operator: operator.organisationId,
      partnership: partnership.organisationId,
    },
    actorSiret: siretOf(actor.organisationId),
    places,
    rounds,
    partnership: partnership.partnershipId,
    orders,
    bids: { ...bidsMade, joint: jointBid },
    draft,
    award: award!,
    settlement: settlement.settlementId,
    payout,
    creditNote: creditNoteIds[0]!,
    deliveryImport,
    passes: {
      order: passOrder,
      award: passAward!,
      /** The prescriber's contact: not a role of ROLES, see above. */
      prescriber: { user: prescriberContact, organisationId: prescriber.organisationId },
      heldBooklet,
      handedOutBooklet,
      /** Codes of the held booklet, in clear: only its funder and the prescriber may read them. */
      codes: passCodes,
      pendingInvitation,
      /** The prescriber whose contact has not used its link yet. */
      pendingPrescriber: pendingInvited.organisationId,
      usedInvitation,
    },
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/** The draft's current version: every draft write names it. */
export function draftVersion(db: Db, bidId: number): number {
  return db.select({ version: bids.version }).from(bids).where(eq(bids.id, bidId)).get()!.version;
}
