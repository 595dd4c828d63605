import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableName, is, sql } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type Db } from '../../db/client';
import * as schema from '../../db/schema';
import { awards, bids, deliveries, ledgerAccounts, ledgerEntries, ledgerTransactions, organisations, partnerships, placeCommunes, places, serviceOrders, users } from '../../db/schema';
import { makeOrganisation, makePartnership, makePlace, makeSiret } from '../factories';
import { SERVICES } from '../../shared/domain/services';
import { createTestDb } from '../setup/db';

const DOMAIN_TABLES = [
  'account_invitations',
  'audit_events',
  'audit_parties',
  'awards',
  'bid_lines',
  'bids',
  'credit_notes',
  'deliveries',
  'delivery_import_rows',
  'delivery_imports',
  'departement_year_figures',
  'funding_rounds',
  'ledger_accounts',
  'ledger_entries',
  'ledger_transactions',
  'memberships',
  'order_fundings',
  'organisations',
  'partnership_events',
  'partnership_members',
  'partnerships',
  'pass_booklets',
  'passes',
  'payouts',
  'place_communes',
  'place_status_events',
  'place_year_beneficiaries',
  'place_year_figures',
  'places',
  'prescribers',
  'service_orders',
  'sessions',
  'settlements',
  'users',
];

const count = (db: Pick<Db, 'select'>, table: SQLiteTable) => db.select({ n: sql<number>`count(*)` }).from(table).get()!.n;

/** An order with one bid and nothing awarded yet: what award and delivery rows hang on. */
function orderWithBid(db: Db) {
  const funderId = makeOrganisation(db, 'funder');
  const actorId = makeOrganisation(db, 'actor');
  const placeId = makePlace(db, { organisationId: actorId });
  const orderId = db
    .insert(serviceOrders)
    .values({
      funderOrganisationId: funderId,
      title: 'Commande de test',
      services: [],
      departementCodes: ['29'],
      communeCodes: [],
      quantity: 100,
      bidDeadline: '2026-12-01',
      deliveryStartsOn: '2027-01-01',
      deliveryEndsOn: '2027-06-30',
    })
    .returning({ id: serviceOrders.id })
    .get().id;
  const bidId = db
    .insert(bids)
    .values({ orderId, bidderOrganisationId: actorId, unitPriceCents: 1_000, status: 'submitted' })
    .returning({ id: bids.id })
    .get().id;
  return { funderId, actorId, placeId, orderId, bidId };
}

describe('the migrations', () => {
  it('create every domain table and nothing else besides drizzle’s journal', () => {
    const db = createTestDb();
    const tables = db.$client
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      .pluck()
      .all();

    expect(tables).toEqual(['__drizzle_migrations', ...DOMAIN_TABLES]);
  });

  it('create a table for every table declared in the Drizzle schema', () => {
    const declared = Object.values(schema)
      .filter((value) => is(value, SQLiteTable))
      .map((table) => getTableName(table as SQLiteTable))
      .sort();

    expect(declared).toEqual(DOMAIN_TABLES);
  });
});

describe('opening a database', () => {
  it('turns foreign keys on', () => {
    const db = createTestDb();

    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  describe('on a file', () => {
    let path: string;
    let db: Db | undefined;
    beforeEach(() => {
      path = join(tmpdir(), `aptic-test-${randomBytes(8).toString('hex')}.db`);
    });
    afterEach(() => {
      db?.$client.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    });

    it('uses WAL journaling, foreign keys and a busy timeout', () => {
      db = openMigratedDatabase(path);

      expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
    });

    it('applies the migrations once: reopening an existing file keeps its rows', () => {
      db = openMigratedDatabase(path);
      makeOrganisation(db, 'operator', { name: 'Réseau #APTIC' });
      db.$client.close();

      db = openMigratedDatabase(path);

      expect(db.select({ name: organisations.name }).from(organisations).all()).toEqual([{ name: 'Réseau #APTIC' }]);
    });
  });
});

describe('CHECK constraints', () => {
  it('refuse a negative place capacity, and accept a capacity of zero', () => {
    const db = createTestDb();
    const actorId = makeOrganisation(db, 'actor');

    expect(() => makePlace(db, { organisationId: actorId, yearlyCapacity: -1 })).toThrow('CHECK constraint failed: places_capacity_check');
    expect(count(db, places)).toBe(0);
    expect(count(db, placeCommunes)).toBe(0);

    makePlace(db, { organisationId: actorId, yearlyCapacity: 0 });
    expect(count(db, places)).toBe(1);
  });

  it('refuse a pooling fee over 3 000 basis points, and accept exactly 3 000', () => {
    const db = createTestDb();
    const leadId = makeOrganisation(db, 'actor');

    expect(() => makePartnership(db, { name: 'Trop chère', kind: 'local', leadOrganisationId: leadId, poolingFeeBps: 3_001, departementCodes: ['29'], placeIds: [] })).toThrow(
      'CHECK constraint failed: partnerships_fee_check',
    );
    expect(count(db, partnerships)).toBe(0);

    makePartnership(db, { name: 'Au plafond', kind: 'local', leadOrganisationId: leadId, poolingFeeBps: 3_000, departementCodes: ['29'], placeIds: [] });
    expect(db.select({ fee: partnerships.poolingFeeBps }).from(partnerships).all()).toEqual([{ fee: 3_000 }]);
  });

  it('refuse an award whose delivered quantity exceeds its quantity, and accept one fully delivered', () => {
    const db = createTestDb();
    const { orderId, bidId, placeId } = orderWithBid(db);
    const award = (deliveredQuantity: number) =>
      db.insert(awards).values({ orderId, bidId, placeId, quantity: 10, unitPriceCents: 1_000, deliveredQuantity, year: 2026 }).run();

    expect(() => award(11)).toThrow('CHECK constraint failed: awards_delivered_check');
    expect(count(db, awards)).toBe(0);

    award(10);
    expect(count(db, awards)).toBe(1);
  });

  it('refuse a ledger entry of zero cents, and accept a non-zero one', () => {
    const db = createTestDb();
    const funderId = makeOrganisation(db, 'funder');
    const accountId = db
      .insert(ledgerAccounts)
      .values({ kind: 'funder', key: `funder:${funderId}`, organisationId: funderId })
      .returning({ id: ledgerAccounts.id })
      .get().id;
    const transactionId = db.insert(ledgerTransactions).values({ kind: 'funding' }).returning({ id: ledgerTransactions.id }).get().id;

    expect(() => db.insert(ledgerEntries).values({ transactionId, accountId, amountCents: 0 }).run()).toThrow(
      'CHECK constraint failed: ledger_entries_nonzero_check',
    );
    expect(count(db, ledgerEntries)).toBe(0);

    db.insert(ledgerEntries).values({ transactionId, accountId, amountCents: -1 }).run();
    expect(count(db, ledgerEntries)).toBe(1);
  });
});

describe('unique indexes', () => {
  it('refuse a second delivery with the same idempotency key', () => {
    const db = createTestDb();
    const { orderId, bidId, placeId } = orderWithBid(db);
    const awardId = db
      .insert(awards)
      .values({ orderId, bidId, placeId, quantity: 10, unitPriceCents: 1_000, year: 2026 })
      .returning({ id: awards.id })
      .get().id;
    const delivery = (beneficiaryRef: string) =>
      db
        .insert(deliveries)
        .values({
          idempotencyKey: 'prestation-2027-01-12-0001',
          awardId,
          orderId,
          placeId,
          quantity: 1,
          amountCents: 1_000,
          service: SERVICES[0],
          deliveredOn: '2027-01-12',
          beneficiaryRef,
        })
        .run();

    delivery('B-001');
    expect(() => delivery('B-002')).toThrow('UNIQUE constraint failed: deliveries.idempotency_key');

    expect(db.select({ ref: deliveries.beneficiaryRef }).from(deliveries).all()).toEqual([{ ref: 'B-001' }]);
  });
});

describe('transactions', () => {
  it('a synchronous db.transaction that throws rolls back every write made in it', () => {
    const db = createTestDb();
    const seen: number[] = [];

    expect(() =>
      db.transaction((tx) => {
        const organisationId = tx
          .insert(organisations)
          .values({ kind: 'actor', name: 'Association éphémère', siret: makeSiret(42), departementCode: '29' })
          .returning({ id: organisations.id })
          .get().id;
        tx.insert(places)
          .values({
            organisationId,
            name: 'Lieu éphémère',
            mode: 'fixed',
            mainCommuneCode: '29019',
            departementCode: '29',
            yearlyCapacity: 2_000,
            services: [],
            appliedAt: '2026-01-01T09:00:00.000Z',
          })
          .run();
        tx.insert(users).values({ email: 'ephemere@exemple.test', name: 'Éphémère', passwordHash: 'x' }).run();
        // The writes are there inside the transaction…
        seen.push(count(tx, organisations), count(tx, places), count(tx, users));
        throw new Error('Échec au milieu de la transaction');
      }),
    ).toThrow('Échec au milieu de la transaction');

    expect(seen).toEqual([1, 1, 1]);
    // …and none of them survives it.
    expect([count(db, organisations), count(db, places), count(db, users)]).toEqual([0, 0, 0]);
  });

  it('a constraint failure late in a transaction rolls back the earlier writes', () => {
    const db = createTestDb();

    expect(() =>
      db.transaction((tx) => {
        const organisationId = tx
          .insert(organisations)
          .values({ kind: 'actor', name: 'Association à moitié écrite', siret: makeSiret(43), departementCode: '29' })
          .returning({ id: organisations.id })
          .get().id;
        tx.insert(places)
          .values({
            organisationId,
            name: 'Lieu à capacité négative',
            mode: 'fixed',
            mainCommuneCode: '29019',
            departementCode: '29',
            yearlyCapacity: -5,
            services: [],
            appliedAt: '2026-01-01T09:00:00.000Z',
          })
          .run();
      }),
    ).toThrow('CHECK constraint failed: places_capacity_check');

    expect(count(db, organisations)).toBe(0);
  });
});

describe('foreign keys', () => {
  it('refuse a place of an unknown organisation', () => {
    const db = createTestDb();

    expect(() => makePlace(db, { organisationId: 999 })).toThrow('FOREIGN KEY constraint failed');
    expect(count(db, places)).toBe(0);
  });
});
