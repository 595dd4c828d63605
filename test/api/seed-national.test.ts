import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/client';
import { generateNational, type NationalReport } from '../../db/seed/national/generate';
import { nationalEmail, NATIONAL_PASSWORD } from '../../db/seed/national/organisations';
import { parseOptions } from '../../db/seed/national/options';
import { checkLedger } from '../../server/services/ledger-check';
import { createTestApp } from '../setup/app';

/**
 * `npm run seed:national` at a small scale: 60 places, 20 000 services, 10 funders; and a smaller
 * dataset built twice with the same seed and day, to prove the generator deterministic.
 */
const OPTIONS = { places: 60, services: 20_000, funders: 10, seed: 7, today: '2026-03-15' };
const SMALL = { places: 24, services: 3_000, funders: 6, seed: 11, today: '2026-11-28' };

const dir = mkdtempSync(join(tmpdir(), 'aptic-national-'));
let report: NationalReport;
let db: Db;
let first: Db;
let second: Db;

beforeAll(async () => {
  report = await generateNational({ ...OPTIONS, out: join(dir, 'national.db') });
  await generateNational({ ...SMALL, out: join(dir, 'first.db') });
  await generateNational({ ...SMALL, out: join(dir, 'second.db') });
  db = openDatabase(join(dir, 'national.db'));
  first = openDatabase(join(dir, 'first.db'));
  second = openDatabase(join(dir, 'second.db'));
}, 60_000);

afterAll(() => {
  for (const database of [db, first, second]) database?.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const all = <T>(database: Db, query: string) => database.$client.prepare(query).all() as T[];
const one = <T>(database: Db, query: string) => database.$client.prepare(query).get() as T;

describe('the national dataset generator', () => {
  it('writes exactly the places, funders and services asked for, one service per delivery', () => {
    const counts = one<{ places: number; funders: number; rows: number; services: number }>(
      db,
      `select (select count(*) from places) as places, (select count(*) from organisations where kind = 'funder') as funders,
         (select count(*) from deliveries) as rows, (select sum(quantity) from deliveries) as services`,
    );

    expect(counts).toEqual({ places: 60, funders: 10, rows: 20_000, services: 20_000 });
    expect(report.counts.services).toBe(20_000);
  });

  it('qualifies every place and gives each at least one award', () => {
    const places = all<{ status: string; awards: number }>(db, 'select status, (select count(*) from awards a where a.place_id = p.id) as awards from places p');

    expect(places.filter((p) => p.status !== 'qualified')).toEqual([]);
    expect(places.filter((p) => p.awards === 0)).toEqual([]);
  });

  it('spreads the places over several départements, with rural communes among them', () => {
    expect(report.counts.departementsCovered).toBeGreaterThanOrEqual(10);
    expect(report.counts.ruralShare).toBeGreaterThan(0);
  });

  it('awards at least 1.1 × what is delivered, on every award', () => {
    const awards = all<{ quantity: number; delivered: number }>(db, 'select quantity, delivered_quantity as delivered from awards where delivered_quantity > 0');
    const total = awards.reduce((sum, a) => ({ quantity: sum.quantity + a.quantity, delivered: sum.delivered + a.delivered }), { quantity: 0, delivered: 0 });

    expect(total.delivered).toBe(20_000);
    expect(total.quantity).toBeGreaterThanOrEqual(1.1 * total.delivered);
    expect(awards.filter((a) => a.quantity < 1.1 * a.delivered)).toEqual([]);
  });

  it('dates every delivery within the 365 days before today and within its order’s window', () => {
    const outside = one<{ n: number }>(
      db,
      `select count(*) as n from deliveries d join service_orders o on o.id = d.order_id
       where d.delivered_on > '2026-03-15' or d.delivered_on < '2025-03-16'
          or d.delivered_on < o.delivery_starts_on or d.delivered_on > o.delivery_ends_on`,
    );

    expect(outside.n).toBe(0);
  });

  it('forms partnerships whose member places deliver under joint awards, paying the pooling fee', () => {
    const fees = one<{ n: number }>(db, "select count(*) as n from ledger_transactions where kind = 'pooling_fee'");

    expect(report.counts.partnerships).toBeGreaterThan(0);
    expect(report.counts.jointAwards).toBeGreaterThan(0);
    expect(fees.n).toBeGreaterThan(0);
  });

  it('passes the ledger check with no difference', () => {
    expect(report.ledger.differences).toEqual([]);
    expect(checkLedger(db).differences).toEqual([]);
  });

  it('is deterministic: the same seed and day give the same figures and idempotency keys', () => {
    const figures = (database: Db) =>
      all(
        database,
        `select place_id, year, services_delivered, revenue_delivered_cents, revenue_committed_cents, services_committed, beneficiaries
         from place_year_figures order by place_id, year`,
      );
    const keys = (database: Db) => all<{ key: string }>(database, 'select idempotency_key as key from deliveries order by id').map((d) => d.key);

    expect(figures(first).length).toBeGreaterThan(0);
    expect(figures(second)).toEqual(figures(first));
    expect(keys(second)).toEqual(keys(first));
  });

  it('creates accounts that sign in with the published password', async () => {
    const { api } = createTestApp({ db }).client();

    const user = await api.auth.signIn.mutate({ email: nationalEmail.actor(1), password: NATIONAL_PASSWORD });

    expect(user.memberships.map((m) => m.organisationKind)).toContain('actor');
  });
});

describe('the options of npm run seed:national', () => {
  it('read --name=value first, then NATIONAL_* variables, then the national defaults', () => {
    const options = parseOptions(['--places=200', '--services=100_000'], { NATIONAL_SEED: '3', NATIONAL_PLACES: '10' });

    expect(options).toMatchObject({ out: 'data/national.db', places: 200, services: 100_000, funders: 300, seed: 3 });
    expect(options.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('refuse an unknown option', () => {
    expect(() => parseOptions(['--lieux=3'], {})).toThrow(/Option inconnue/);
  });
});
