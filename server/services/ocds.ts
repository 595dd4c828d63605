import { and, asc, eq, inArray, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { awards, bids, creditNotes, deliveries, orderFundings, organisations, partnerships, places, serviceOrders } from '../../db/schema';
import { findCommune } from '../../shared/domain/communes';
import type { OrderStatus } from '../../shared/domain/enums';
import type { ServiceName } from '../../shared/domain/services';
import { formatMoney, lineAmount, type Cents } from '../../shared/money';
import { notFound } from '../errors';

/**
 * Open contracting (issue 9): the marketplace's orders as an OCDS 1.1 release package, one
 * release per published order carrying its current state (tender, awards, contracts and their
 * delivered money). Decision 0015 explains the mapping.
 */

/**
 * Prefix of our open contracting ids: `ocds-aptic-<order id>`. It is not a registered prefix:
 * the Open Contracting Partnership gives each publisher an `ocds-xxxxxx` prefix on request. The
 * registered one replaces this constant before any publication outside the platform, since
 * every ocid changes with it.
 */
export const OCID_PREFIX = 'ocds-aptic';
export const OCDS_VERSION = '1.1';
/**
 * org-id.guide lists French SIRET numbers under `FR-RCS` (its example identifiers are SIRETs;
 * `FR-INSEE` is deprecated in its favour): there is no `FR-SIRET` list.
 */
export const SIRET_SCHEME = 'FR-RCS';
/** Items are classified with the national services vocabulary (schéma des lieux de médiation numérique). */
export const SERVICES_SCHEME = 'SCHEMA-LIEUX-MEDIATION-NUMERIQUE';
/** Licence Ouverte 2.0 (Etalab), the licence of French public-sector open data. */
export const OCDS_LICENSE = 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/';
const PUBLISHER_FALLBACK = 'Place de marché #APTIC';

/** Awards, their price and their place are public once awarding is over: when the app unseals the awarded bids (bidsVisibleTo). */
const AWARDS_PUBLIC: readonly OrderStatus[] = ['in_delivery', 'completed', 'closed'];

const TENDER_STATUS: Record<OrderStatus, 'planned' | 'active' | 'complete' | 'cancelled'> = {
  draft: 'planned', // never exported
  open: 'active',
  awarding: 'active',
  in_delivery: 'complete',
  completed: 'complete',
  closed: 'complete',
  cancelled: 'cancelled',
};

export interface OcdsValue {
  amount: number;
  currency: 'EUR';
}
export interface OcdsOrganizationReference {
  id: string;
  name: string;
}
export interface OcdsParty extends OcdsOrganizationReference {
  identifier?: { scheme: string; id: string; legalName: string };
  address?: { locality: string; countryName: string };
  roles: string[];
}
export interface OcdsPeriod {
  startDate?: string;
  endDate?: string;
}
export interface OcdsClassification {
  scheme: string;
  id: string;
  description: string;
}
export interface OcdsItem {
  id: string;
  description: string;
  classification?: OcdsClassification;
  additionalClassifications?: OcdsClassification[];
  quantity: number;
  unit: { scheme: string; id: string; name: string; value: OcdsValue };
}
export interface OcdsTransaction {
  id: string;
  date: string;
  value: OcdsValue;
  payer: OcdsOrganizationReference;
  payee: OcdsOrganizationReference;
}
export interface OcdsDocument {
  id: string;
  title: string;
  description: string;
  datePublished: string;
  documentType?: string;
}
export interface OcdsTender {
  id: string;
  title: string;
  description?: string;
  status: string;
  items: OcdsItem[];
  value: OcdsValue;
  procurementMethod: 'selective';
  procurementMethodDetails: string;
  mainProcurementCategory: 'services';
  tenderPeriod: OcdsPeriod;
  contractPeriod: OcdsPeriod;
  numberOfTenderers?: number;
  documents?: OcdsDocument[];
}
export interface OcdsAward {
  id: string;
  title: string;
  status: 'active';
  date: string;
  value: OcdsValue;
  suppliers: OcdsOrganizationReference[];
  items: OcdsItem[];
  contractPeriod: OcdsPeriod;
}
export interface OcdsContract {
  id: string;
  awardID: string;
  title: string;
  status: 'active' | 'terminated';
  value: OcdsValue;
  items: OcdsItem[];
  period: OcdsPeriod;
  amendments?: { id: string; date: string; rationale: string }[];
  implementation?: { transactions: OcdsTransaction[] };
}
export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
  initiationType: 'tender';
  language: 'fr';
  parties: OcdsParty[];
  buyer: OcdsOrganizationReference;
  tender: OcdsTender;
  awards?: OcdsAward[];
  contracts?: OcdsContract[];
}
export interface OcdsReleasePackage {
  uri: string;
  version: string;
  publishedDate: string;
  publisher: { name: string; scheme?: string; uid?: string };
  license: string;
  releases: OcdsRelease[];
}

export const ocidOf = (orderId: number) => `${OCID_PREFIX}-${orderId}`;

/** Cents to the decimal amount OCDS expects: 1234 → 12.34 (exact for any safe integer of cents). */
const value = (cents: Cents): OcdsValue => ({ amount: cents / 100, currency: 'EUR' });

// Our dates are UTC days (todayIso): a window runs from the first day's start to the last day's end.
const startOfDay = (isoDate: string) => `${isoDate}T00:00:00Z`;
const endOfDay = (isoDate: string) => `${isoDate}T23:59:59Z`;

type OrgRow = { id: number; name: string; siret: string | null; communeCode: string | null };

/** The place's commune only: a home service's street address may be someone's home. */
function addressOf(communeCode: string | null): Pick<OcdsParty, 'address'> {
  const commune = communeCode ? findCommune(communeCode) : undefined;
  return commune ? { address: { locality: commune.nom, countryName: 'France' } } : {};
}

function organisationParty(org: OrgRow): Omit<OcdsParty, 'roles'> {
  return {
    // OCDS builds party ids as {scheme}-{id} when the organisation has an identifier.
    id: org.siret ? `${SIRET_SCHEME}-${org.siret}` : `aptic-organisation-${org.id}`,
    name: org.name,
    ...(org.siret ? { identifier: { scheme: SIRET_SCHEME, id: org.siret, legalName: org.name } } : {}),
    ...addressOf(org.communeCode),
  };
}

/** A place is a unit of its actor: the actor's legal identifier, and `-lieu-<id>` as the unit (OCDS: {scheme}-{id}-{unit}). */
function placeParty(place: { id: number; name: string; mainCommuneCode: string }, owner: OrgRow): Omit<OcdsParty, 'roles'> {
  const legal = organisationParty(owner);
  return { ...legal, id: `${legal.id}-lieu-${place.id}`, name: place.name, ...addressOf(place.mainCommuneCode) };
}

/** Parties by id, each once, gathering the roles it plays. */
function partyList() {
  const byId = new Map<string, OcdsParty>();
  return {
    add(party: Omit<OcdsParty, 'roles'>, role: string): OcdsOrganizationReference {
      const entry = byId.get(party.id) ?? { ...party, roles: [] };
      if (!entry.roles.includes(role)) entry.roles.push(role);
      byId.set(party.id, entry);
      return { id: party.id, name: party.name };
    },
    all: () => [...byId.values()],
  };
}

const classification = (service: ServiceName): OcdsClassification => ({ scheme: SERVICES_SCHEME, id: service, description: service });

/** One item: the order's services, `quantity` services at `unitPriceCents` each (UN/CEFACT E48: service unit). */
function itemsOf(services: readonly ServiceName[], quantity: number, unitPriceCents: Cents): OcdsItem[] {
  const [first, ...others] = services.map(classification);
  return [
    {
      id: '1',
      description: `Services de médiation numérique${services.length ? ` : ${services.join(', ')}` : ''}`,
      ...(first ? { classification: first } : {}),
      ...(others.length ? { additionalClassifications: others } : {}),
      quantity,
      unit: { scheme: 'UNCEFACT', id: 'E48', name: 'service', value: value(unitPriceCents) },
    },
  ];
}

function orgRow(db: Db, organisationId: number): OrgRow {
  return db
    .select({ id: organisations.id, name: organisations.name, siret: organisations.siret, communeCode: organisations.communeCode })
    .from(organisations)
    .where(eq(organisations.id, organisationId))
    .get()!;
}

type Order = typeof serviceOrders.$inferSelect;

/** The release of one published order. Bids appear only through what was awarded from them. */
function releaseOf(db: Db, order: Order): OcdsRelease {
  const ocid = ocidOf(order.id);
  const parties = partyList();
  const dates = [order.createdAt, order.publishedAt, order.closedAt];

  const buyerEntry = organisationParty(orgRow(db, order.funderOrganisationId));
  const buyer = parties.add(buyerEntry, 'buyer');
  const fundings = db
    .select({ organisationId: orderFundings.funderOrganisationId, createdAt: orderFundings.createdAt })
    .from(orderFundings)
    .where(eq(orderFundings.orderId, order.id))
    .orderBy(asc(orderFundings.createdAt))
    .all();
  // Every share, the buyer's own too: the ring-fenced account pools what each funder pays in.
  for (const funding of fundings) {
    parties.add(organisationParty(orgRow(db, funding.organisationId)), 'funder');
    dates.push(funding.createdAt);
  }

  const window: OcdsPeriod = { startDate: startOfDay(order.deliveryStartsOn), endDate: endOfDay(order.deliveryEndsOn) };
  const awardRows = AWARDS_PUBLIC.includes(order.status)
    ? db
        .select({
          award: awards,
          place: { id: places.id, name: places.name, mainCommuneCode: places.mainCommuneCode },
          owner: { id: organisations.id, name: organisations.name, siret: organisations.siret, communeCode: organisations.communeCode },
        })
        .from(awards)
        .innerJoin(places, eq(places.id, awards.placeId))
        .innerJoin(organisations, eq(organisations.id, places.organisationId))
        .where(eq(awards.orderId, order.id))
        .orderBy(asc(awards.id))
        .all()
    : [];

  // Delivered money, per award and month: the ledger's ring-fence → place movements, never one delivery.
  const months = awardRows.length
    ? db
        .select({
          awardId: deliveries.awardId,
          month: sql<string>`substr(${deliveries.deliveredOn}, 1, 7)`,
          amountCents: sql<number>`sum(${deliveries.amountCents})`,
          lastDay: sql<string>`max(${deliveries.deliveredOn})`,
          recordedAt: sql<string>`max(${deliveries.createdAt})`,
        })
        .from(deliveries)
        .where(eq(deliveries.orderId, order.id))
        .groupBy(deliveries.awardId, sql`substr(${deliveries.deliveredOn}, 1, 7)`)
        .orderBy(asc(deliveries.awardId), sql`substr(${deliveries.deliveredOn}, 1, 7)`)
        .all()
    : [];

  const awardsOut: OcdsAward[] = [];
  const contracts: OcdsContract[] = [];
  const finished = order.status === 'completed' || order.status === 'closed';
  for (const { award, place, owner } of awardRows) {
    dates.push(award.createdAt);
    const placeEntry = placeParty(place, owner);
    // A joint bid is the partnership's: it is the supplier, its member place delivers and is paid.
    const supplier = award.partnershipId === null ? parties.add(placeEntry, 'supplier') : parties.add(partnershipParty(db, award.partnershipId), 'supplier');
    const awarded = award.quantity + award.releasedQuantity;
    const awardId = `award-${award.id}`;
    const title = award.partnershipId === null ? place.name : `${place.name} (offre commune de ${supplier.name})`;
    awardsOut.push({
      id: awardId,
      title,
      status: 'active',
      date: award.createdAt,
      value: value(lineAmount(awarded, award.unitPriceCents)),
      suppliers: [supplier],
      items: itemsOf(order.services, awarded, award.unitPriceCents),
      contractPeriod: window,
    });

    const transactions = months
      .filter((m) => m.awardId === award.id)
      .map((m): OcdsTransaction => {
        dates.push(m.recordedAt);
        return {
          id: `contract-${award.id}-${m.month}`,
          date: startOfDay(m.lastDay),
          value: value(m.amountCents),
          // The ring-fenced account is the buyer's order account; co-funders' shares are pooled in it.
          payer: parties.add(buyerEntry, 'payer'),
          payee: parties.add(placeEntry, 'payee'),
        };
      });
    const done = finished || (award.quantity > 0 && award.deliveredQuantity === award.quantity);
    contracts.push({
      id: `contract-${award.id}`,
      awardID: awardId,
      title,
      status: done ? 'terminated' : 'active',
      // What the commitment is now: after a close, only what was delivered.
      value: value(lineAmount(award.quantity, award.unitPriceCents)),
      items: itemsOf(order.services, award.quantity, award.unitPriceCents),
      period: window,
      ...(award.releasedQuantity > 0 && order.closedAt
        ? {
            amendments: [
              {
                id: `contract-${award.id}-release`,
                date: order.closedAt,
                rationale: `Clôture de la commande : ${award.releasedQuantity} service(s) attribué(s) et non réalisé(s) libéré(s)`,
              },
            ],
          }
        : {}),
      ...(transactions.length ? { implementation: { transactions } } : {}),
    });
  }

  const credits = creditNoteDocuments(db, order);
  dates.push(...credits.map((c) => c.datePublished));
  const tender: OcdsTender = {
    id: `${ocid}-tender`,
    title: order.title,
    ...(order.description ? { description: order.description } : {}),
    status: order.status === 'closed' && awardRows.length === 0 ? 'unsuccessful' : TENDER_STATUS[order.status],
    items: itemsOf(order.services, order.quantity, order.unitPriceCents),
    value: value(lineAmount(order.quantity, order.unitPriceCents)),
    procurementMethod: 'selective',
    procurementMethodDetails: 'Appel aux lieux qualifiés #APTIC couvrant le territoire de la commande ; offres scellées jusqu’à l’attribution',
    mainProcurementCategory: 'services',
    tenderPeriod: { ...(order.publishedAt ? { startDate: order.publishedAt } : {}), endDate: endOfDay(order.bidDeadline) },
    contractPeriod: window,
    // How many bid, once bidding is over: who they were and what they offered stays sealed.
    ...(order.status === 'open' ? {} : { numberOfTenderers: tendererCount(db, order.id) }),
    ...(credits.length ? { documents: credits } : {}),
  };

  const tag = ['tender'];
  if (order.status === 'cancelled') tag.push('tenderCancellation');
  if (awardsOut.length) tag.push('award', 'contract');
  if (contracts.some((c) => c.implementation)) tag.push('implementation');
  if (awardsOut.length && finished) tag.push('contractTermination');

  const date = dates.filter((d): d is string => !!d).reduce((a, b) => (a > b ? a : b));
  return {
    ocid,
    id: `${ocid}-${date}`,
    date,
    tag,
    initiationType: 'tender',
    language: 'fr',
    parties: parties.all(),
    buyer,
    tender,
    ...(awardsOut.length ? { awards: awardsOut, contracts } : {}),
  };
}

function partnershipParty(db: Db, partnershipId: number): Omit<OcdsParty, 'roles'> {
  const { organisationId } = db.select({ organisationId: partnerships.organisationId }).from(partnerships).where(eq(partnerships.id, partnershipId)).get()!;
  return organisationParty(orgRow(db, organisationId));
}

/** Bids submitted at some point and not taken back: a joint draft never submitted is no tenderer. */
function tendererCount(db: Db, orderId: number): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(bids)
    .where(and(eq(bids.orderId, orderId), isNotNull(bids.submittedAt), notInArray(bids.status, ['draft', 'withdrawn'])))
    .get()!.n;
}

/**
 * Credit notes give unspent ring-fenced money back to a funder: no payment under any contract
 * (a cancelled order has none), so they are no contract transaction — negative amounts would
 * read as a place paying back. They are listed as documents of the tender, amount in words.
 */
function creditNoteDocuments(db: Db, order: Order): OcdsDocument[] {
  return db
    .select({ number: creditNotes.number, amountCents: creditNotes.amountCents, createdAt: creditNotes.createdAt, funder: organisations.name })
    .from(creditNotes)
    .innerJoin(organisations, eq(organisations.id, creditNotes.funderOrganisationId))
    .where(eq(creditNotes.orderId, order.id))
    .orderBy(asc(creditNotes.id))
    .all()
    .map((note) => ({
      id: `avoir-${note.number}`,
      title: `Avoir ${note.number}`,
      description: `${formatMoney(note.amountCents)} non dépensés sur le compte cantonné de la commande, rendus à ${note.funder}`,
      datePublished: note.createdAt,
      ...(order.status === 'cancelled' ? { documentType: 'cancellationDetails' } : {}),
    }));
}

function publisherOf(db: Db): OcdsReleasePackage['publisher'] {
  const operator = db
    .select({ name: organisations.name, siret: organisations.siret })
    .from(organisations)
    .where(eq(organisations.kind, 'operator'))
    .orderBy(asc(organisations.id))
    .get();
  if (!operator) return { name: PUBLISHER_FALLBACK };
  return { name: operator.name, ...(operator.siret ? { scheme: SIRET_SCHEME, uid: operator.siret } : {}) };
}

export interface ReleasePackageOptions {
  /** Only these orders; every one must be published (a draft answers like an unknown order). */
  orderIds?: number[];
  /** Where this package can be fetched again. */
  uri: string;
  /** Defaults to the latest release date: a package built on demand dates from its last change. */
  publishedDate?: string;
}

/** Every published order (never a draft) as one OCDS 1.1 release, in one release package. */
export function ocdsReleasePackage(db: Db, options: ReleasePackageOptions): OcdsReleasePackage {
  const published = isNotNull(serviceOrders.publishedAt);
  const orders = db
    .select()
    .from(serviceOrders)
    .where(options.orderIds ? and(published, inArray(serviceOrders.id, options.orderIds)) : published)
    .orderBy(asc(serviceOrders.id))
    .all();
  if (options.orderIds && orders.length !== new Set(options.orderIds).size) throw notFound('Commande');
  const releases = orders.map((order) => releaseOf(db, order));
  const latest = releases.map((r) => r.date).reduce<string | undefined>((a, b) => (a && a > b ? a : b), undefined);
  return {
    uri: options.uri,
    version: OCDS_VERSION,
    publishedDate: options.publishedDate ?? latest ?? new Date().toISOString(),
    publisher: publisherOf(db),
    license: OCDS_LICENSE,
    releases,
  };
}
