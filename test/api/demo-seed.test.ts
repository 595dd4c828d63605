import { and, asc, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { bids, fundingRounds, ledgerTransactions, organisations, partnershipMembers, partnerships, placeCommunes, places, placeYearFigures, serviceOrders, users } from '../../db/schema';
import { checkLedger } from '../../server/services/ledger-check';
import { DEMO_LOGINS, DEMO_PASSWORD, type DemoRole } from '../../db/seed/demo-logins';
import { seedDemo, seedDemoIfEmpty } from '../../db/seed/demo';
import { isRuralCommune } from '../../shared/domain/communes';
import type { OrganisationKind } from '../../shared/domain/enums';
import { findDepartement } from '../../shared/domain/territory';
import { makeUser } from '../factories';
import { passCountsOfOrder } from '../../server/services/passes/booklets';
import { prescribersOfFunder } from '../../server/services/passes/prescribers';
import { createTestApp } from '../setup/app';
import { createTestDb } from '../setup/db';

/** What each demo login must be able to do: the organisation kinds it belongs to. */
const EXPECTED_KINDS: Record<DemoRole, OrganisationKind[]> = {
  opérateur: ['operator'],
  commanditaire: ['funder'],
  // Ty Numérik accepted the CAE's invitation for its Quimper place: its user takes part in the CAE too.
  acteur: ['actor', 'partnership'],
  'chef de file': ['actor', 'partnership'],
  prescripteur: ['prescriber'],
};

/** Everything about the places that the seed chooses, in insertion order. */
function placeSnapshot(db: Db) {
  const communes = db.select().from(placeCommunes).orderBy(asc(placeCommunes.placeId), asc(placeCommunes.communeCode)).all();
  return db
    .select()
    .from(places)
    .orderBy(asc(places.id))
    .all()
    .map((p) => ({
      name: p.name,
      mode: p.mode,
      mainCommuneCode: p.mainCommuneCode,
      communes: communes.filter((c) => c.placeId === p.id).map((c) => c.communeCode),
      yearlyCapacity: p.yearlyCapacity,
      services: p.services,
      status: p.status,
      appliedAt: p.appliedAt,
      qualifiedAt: p.qualifiedAt,
      qualityScore: p.qualityScore,
    }));
}

let db: Db;
let allPlaces: ReturnType<typeof placeSnapshot>;

beforeAll(async () => {
  db = createTestDb();
  await seedDemo(db);
  allPlaces = placeSnapshot(db);
});

describe('the demo seed', () => {
  it('creates about 150 places', () => {
    expect(allPlaces.length).toBeGreaterThanOrEqual(140);
    expect(allPlaces.length).toBeLessThanOrEqual(160);
  });

  it('spreads the places over at least three régions', () => {
    const regions = new Set(db.select({ code: places.departementCode }).from(places).all().map((p) => findDepartement(p.code)!.region));

    expect(regions.size).toBeGreaterThanOrEqual(3);
  });

  it('stores each place in the département of its main commune', () => {
    const mismatched = db
      .select({ name: places.name, main: places.mainCommuneCode, departement: places.departementCode })
      .from(places)
      .all()
      .filter((p) => !p.main.startsWith(p.departement));

    expect(mismatched).toEqual([]);
  });

  it('creates 12 funders of at least five different kinds', () => {
    const funders = db.select({ kind: organisations.funderKind }).from(organisations).where(eq(organisations.kind, 'funder')).all();

    expect(funders).toHaveLength(12);
    expect(new Set(funders.map((f) => f.kind)).size).toBeGreaterThanOrEqual(5);
  });

  it('has fixed, itinerant and home places', () => {
    expect(new Set(allPlaces.map((p) => p.mode))).toEqual(new Set(['fixed', 'itinerant', 'home']));
  });

  it('gives every itinerant place at least three communes on its route', () => {
    const itinerant = allPlaces.filter((p) => p.mode === 'itinerant');

    expect(itinerant.length).toBeGreaterThan(0);
    expect(itinerant.filter((p) => p.communes.length < 3)).toEqual([]);
  });

  it('puts some places in rural communes (under 2 000 inhabitants)', () => {
    expect(allPlaces.filter((p) => isRuralCommune(p.mainCommuneCode)).length).toBeGreaterThan(0);
  });

  it('leaves some applications waiting and exactly one place suspended', () => {
    expect(allPlaces.filter((p) => p.status === 'applied').length).toBeGreaterThan(0);
    expect(allPlaces.filter((p) => p.status === 'suspended')).toHaveLength(1);
  });

  it('has early adopters qualified before 2023 and late entrants qualified in 2025 or after', () => {
    const qualifiedOn = allPlaces.map((p) => p.qualifiedAt).filter((d): d is string => d !== null);

    expect(qualifiedOn.filter((d) => d < '2023-01-01').length).toBeGreaterThan(0);
    expect(qualifiedOn.filter((d) => d >= '2025-01-01').length).toBeGreaterThan(0);
  });

  it('creates one CAE and one local partnership, each with at least two active members', () => {
    const rows = db
      .select({ kind: partnerships.kind, active: sql<number>`sum(${partnershipMembers.status} = 'active')` })
      .from(partnerships)
      .leftJoin(partnershipMembers, eq(partnershipMembers.partnershipId, partnerships.id))
      .groupBy(partnerships.id)
      .orderBy(partnerships.kind)
      .all();

    expect(rows.map((r) => r.kind)).toEqual(['cae', 'local']);
    for (const row of rows) expect(row.active).toBeGreaterThanOrEqual(2);
  });

  it('opens exactly one funding round', () => {
    expect(db.select({ id: fundingRounds.id }).from(fundingRounds).where(eq(fundingRounds.status, 'open')).all()).toHaveLength(1);
  });

  it('is deterministic: a second fresh database gets the same places, communes and dates', async () => {
    const other = createTestDb();

    expect(await seedDemoIfEmpty(other)).toBe(true);

    expect(placeSnapshot(other)).toEqual(allPlaces);
  });
});

describe('the demo logins', () => {
  it.each(DEMO_LOGINS.map((login) => ({ ...login, kinds: EXPECTED_KINDS[login.role] })))(
    '$role ($email) signs in through the API with the demo password and belongs to $kinds',
    async ({ email, kinds }) => {
      const testApp = createTestApp({ db });
      const { api } = testApp.client();

      const user = await api.auth.signIn.mutate({ email, password: DEMO_PASSWORD });

      expect(user.email).toBe(email);
      expect([...new Set(user.memberships.map((m) => m.organisationKind))].sort()).toEqual(kinds);
    },
  );

  it('are listed by config.get, without their password, when the demo is on', async () => {
    const { api } = createTestApp({ db, env: { SEED_DEMO: 'true' } }).client();

    expect((await api.config.get.query()).demoLogins).toEqual(DEMO_LOGINS.map(({ role, email }) => ({ role, email })));
  });
});

describe('seedDemoIfEmpty', () => {
  it('does nothing on an already seeded database', async () => {
    const before = { users: allUsers(db), places: allPlaces.length };

    expect(await seedDemoIfEmpty(db)).toBe(false);

    expect({ users: allUsers(db), places: placeSnapshot(db).length }).toEqual(before);
  });

  it('does nothing on a database that already has a user, even without places', async () => {
    const fresh = createTestDb();
    await makeUser(fresh, { email: 'premiere@exemple.test' });

    expect(await seedDemoIfEmpty(fresh)).toBe(false);

    expect(allUsers(fresh)).toEqual(['premiere@exemple.test']);
    expect(placeSnapshot(fresh)).toEqual([]);
  });
});

function allUsers(database: Db) {
  return database
    .select({ email: users.email })
    .from(users)
    .orderBy(asc(users.id))
    .all()
    .map((u) => u.email);
}

describe('the demo marketplace, made through the domain services', () => {
  const ratioStatus = (cents: number) => (cents < 1_500_000 ? 'fragile' : cents > 2_500_000 ? 'saturated' : 'consolidated');

  it('passes ledger:check with no difference', () => {
    const report = checkLedger(db);
    expect(report.differences).toEqual([]);
    expect(report.transactions).toBeGreaterThan(1_000);
  });

  it('has orders in every status', () => {
    const statuses = db.select({ status: serviceOrders.status }).from(serviceOrders).all().map((o) => o.status);
    expect([...new Set(statuses)].sort()).toEqual(['awarding', 'cancelled', 'closed', 'completed', 'draft', 'in_delivery', 'open']);
  });

  it('has settled months, paid but the last one, the last finished month left to settle, and a closed order with its credit note', () => {
    const rows = db.$client.prepare('select month, count(*) as n, sum(status = \'paid\') as paid from payouts group by month order by month').all() as { month: string; n: number; paid: number }[];
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.slice(0, -1).every((r) => r.paid === r.n)).toBe(true);
    expect(rows.at(-1)!.paid).toBe(0);
    const notes = db.$client.prepare('select c.amount_cents as amount, o.status from credit_notes c join service_orders o on o.id = c.order_id').all() as { amount: number; status: string }[];
    expect(notes.map((n) => n.status).sort()).toEqual(['cancelled', 'closed']);
    expect(notes.every((n) => n.amount > 0)).toBe(true);
  });

  it('leaves most places consolidated this year, some fragile and a few saturated', () => {
    const year = new Date().getFullYear();
    const figures = db.select().from(placeYearFigures).where(eq(placeYearFigures.year, year)).all();
    const counts = { fragile: 0, consolidated: 0, saturated: 0 };
    for (const f of figures) counts[ratioStatus(f.revenueDeliveredCents + f.revenueCommittedCents)] += 1;
    expect(counts.consolidated).toBeGreaterThan(counts.fragile + counts.saturated);
    expect(counts.fragile).toBeGreaterThan(0);
    expect(counts.saturated).toBeGreaterThan(0);
    expect(counts.saturated).toBeLessThan(counts.fragile);
  });

  it('keeps sealed bids standing on an open order and a credit note for the cancelled one', () => {
    const open = db.select().from(serviceOrders).where(eq(serviceOrders.status, 'open')).all();
    const standing = db.select().from(bids).where(eq(bids.status, 'submitted')).all();
    expect(standing.some((b) => open.some((o) => o.id === b.orderId))).toBe(true);
    const cancelled = db.select().from(serviceOrders).where(eq(serviceOrders.status, 'cancelled')).get()!;
    const creditNotes = db
      .select()
      .from(ledgerTransactions)
      .where(and(eq(ledgerTransactions.orderId, cancelled.id), eq(ledgerTransactions.kind, 'credit_note')))
      .all();
    expect(creditNotes).toHaveLength(1);
  });
});

describe('the demo partnerships, made through the partnership services', () => {
  it('has a CAE of at least five active member places, rural and urban, with an invitation pending and a draft open', () => {
    const cae = db.select().from(partnerships).where(eq(partnerships.kind, 'cae')).get()!;
    const members = db
      .select({ status: partnershipMembers.status, commune: places.mainCommuneCode })
      .from(partnershipMembers)
      .innerJoin(places, eq(places.id, partnershipMembers.placeId))
      .where(eq(partnershipMembers.partnershipId, cae.id))
      .all();
    const active = members.filter((m) => m.status === 'active');
    expect(active.length).toBeGreaterThanOrEqual(5);
    expect(active.some((m) => isRuralCommune(m.commune))).toBe(true);
    expect(active.some((m) => !isRuralCommune(m.commune))).toBe(true);
    expect(members.filter((m) => m.status === 'invited')).toHaveLength(1);
    const caeBids = db.select().from(bids).where(eq(bids.partnershipId, cae.id)).all();
    expect(caeBids.map((b) => b.status).sort()).toEqual(['awarded', 'draft']);
  });
});

describe('the demo pass, made through the pass services', () => {
  it('has one order that requires pass, with booklets held by the CCAS, some handed out and redeemed, and an invitation pending', () => {
    const order = db.select().from(serviceOrders).where(eq(serviceOrders.passRequired, true)).all();
    expect(order).toHaveLength(1);
    const counts = passCountsOfOrder(db, order[0]!.id);
    expect(counts).toMatchObject({ bookletsIssued: 8, passesIssued: 80, bookletsAssigned: 7, bookletsHandedOut: 3, bookletsStarted: 2, bookletsFullyUsed: 1, passesRedeemed: 14, passesExpired: 0 });
    expect(counts.issuableQuantity).toBe(220);
    const proofs = db.$client.prepare("select proof, count(*) as n from deliveries where order_id = ? group by proof").all(order[0]!.id);
    expect(proofs).toEqual([{ proof: 'pass', n: 14 }]);
    const funder = db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, 'Conseil départemental du Finistère')).get()!;
    const prescribers = prescribersOfFunder(db, funder.id);
    expect(prescribers.map((p) => [p.name, p.invitationPending])).toEqual([
      ['CCAS de Quimper', false],
      ['Mairie de Douarnenez', true],
    ]);
  });
});
