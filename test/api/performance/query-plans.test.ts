import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openMigratedDatabase, type Db } from '../../../db/client';
import { awardsOfPlace } from '../../../server/services/awards';
import { nationalDashboard, roundDashboard } from '../../../server/services/dashboards';
import { recordDelivery, recordDeliveryBatch } from '../../../server/services/deliveries';
import { nationalSummary } from '../../../server/services/national';
import { spendingOfFunder } from '../../../server/services/orders';
import { getPlace, placeOwner } from '../../../server/services/places';
import { departementBalance } from '../../../server/services/qualification';
import { payoutsOfPlace } from '../../../server/services/settlement';
import { DEFAULT_RATIO } from '../../../shared/ratio';
import { makeMember, makePlace, makeRound } from '../../factories';
import { beneficiaryRef, makeAwards, makeBid, makeDelivery, makeOrder, sessionUserOf } from '../../factories/marketplace';

/**
 * Every query a dashboard read or the delivery write path prepares, run through EXPLAIN QUERY
 * PLAN on a small dataset: SQLite plans from the schema alone (no ANALYZE here or in
 * production), so a plan that scans a big table here scans it at national scale too. Each read
 * runs on a fresh connection, so that statements its services prepare once per connection
 * (`preparedFor`) are prepared — and seen — during the call itself.
 */

/** Tables that grow with every delivery: never read whole. */
const BIG_TABLES = ['deliveries', 'ledger_entries', 'ledger_transactions', 'place_year_beneficiaries'];

interface Prepared {
  sql: string;
  /** The module that prepared it (`server/services/deliveries.ts`…), from the call stack. */
  origin: string;
  /** Parameters of its first run, to explain it as it ran; unset if it never ran. */
  params?: unknown[];
}

function originOf(stack: string | undefined): string {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const match = /((?:server|db)\/[\w/.-]+\.ts)/.exec(line);
    if (match && !line.includes('node_modules')) return match[1]!;
  }
  return 'unknown';
}

/** Records every statement prepared on the connection from now on (Drizzle's builder goes through it too). */
function recordStatements(db: Db): Prepared[] {
  const seen: Prepared[] = [];
  const prepare = db.$client.prepare.bind(db.$client);
  db.$client.prepare = ((source: string) => {
    const statement = prepare(source) as unknown as Record<'run' | 'get' | 'all' | 'iterate', (...args: unknown[]) => unknown>;
    const entry: Prepared = { sql: source, origin: originOf(new Error().stack) };
    seen.push(entry);
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const run = statement[method].bind(statement);
      statement[method] = (...args: unknown[]) => {
        entry.params ??= args;
        return run(...args);
      };
    }
    return statement;
  }) as unknown as typeof db.$client.prepare;
  return seen;
}

let dir: string;
let path: string;
/** A separate connection that only explains: its own statements are not recorded. */
let explainer: Db;

interface Plan {
  sql: string;
  origin: string;
  /** Whether the call ran it (a `preparedFor` block prepares statements the call may not use). */
  ran: boolean;
  /** EXPLAIN QUERY PLAN lines, aliases replaced by their table (`SCAN deliveries`, not `SCAN d`). */
  lines: string[];
}

const KEYWORDS = new Set(['where', 'on', 'left', 'inner', 'cross', 'join', 'group', 'order', 'limit', 'using', 'natural', 'union', 'set', 'as', 'values']);

/** Alias → table, from the statement's own `from`/`join` clauses. */
function aliasesOf(sql: string): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const match of sql.matchAll(/\b(?:from|join|update|into)\s+[`"]?(\w+)[`"]?(?:\s+(?:as\s+)?[`"]?(\w+)[`"]?)?/gi)) {
    const table = match[1]!.toLowerCase();
    aliases.set(table, table);
    const alias = match[2]?.toLowerCase();
    if (alias && !KEYWORDS.has(alias)) aliases.set(alias, table);
  }
  return aliases;
}

function explain(statement: Prepared): Plan {
  const params = statement.params ?? Array.from({ length: (statement.sql.replace(/'[^']*'/g, '').match(/\?/g) ?? []).length }, () => null);
  const rows = explainer.$client.prepare(`explain query plan ${statement.sql}`).all(...params) as { detail: string }[];
  const aliases = aliasesOf(statement.sql);
  const insert = /^\s*insert\b/i.test(statement.sql);
  const lines = rows
    .map(({ detail }) => detail.replace(/^(SCAN|SEARCH) (\w+)/, (_all, verb: string, name: string) => `${verb} ${aliases.get(name.toLowerCase()) ?? name}`))
    // Inserting a parent row plans a look at the tables referencing it (deliveries for a ledger
    // transaction) that SQLite skips at run time unless a foreign key is already violated:
    // 200 inserts into ledger_transactions beside 2.5 M deliveries take 5 µs each. Not a read.
    .filter((line) => !(insert && /^SCAN (\w+)/.test(line) && !aliases.has(/^SCAN (\w+)/.exec(line)![1]!)));
  return { sql: statement.sql.replace(/\s+/g, ' ').trim(), origin: statement.origin, ran: statement.params !== undefined, lines };
}

/** Plan lines reading a whole table of `tables` (a SCAN without an index). */
function fullScans(plan: Plan, tables: readonly string[]): string[] {
  return plan.lines.filter((line) => {
    const match = /^SCAN (\w+)/.exec(line);
    return match && tables.includes(match[1]!) && !/USING (COVERING )?INDEX/.test(line);
  });
}

const touchesDeliveries = (plan: Plan) => /\bdeliveries\b/i.test(plan.sql) || plan.lines.some((line) => /^(SCAN|SEARCH) deliveries\b/.test(line));

/** Runs `call` on a fresh connection and explains every statement it prepared (ran or not). */
function plansOf(call: (db: Db) => unknown): Plan[] {
  const db = openDatabase(path);
  try {
    const prepared = recordStatements(db);
    call(db);
    expect(prepared.length).toBeGreaterThan(0); // the recorder does see the queries
    return prepared.map(explain);
  } finally {
    db.$client.close();
  }
}

/** The statements a read ran: what it costs, not what a service prepared beside them. */
const ranBy = (call: (db: Db) => unknown) => plansOf(call).filter((plan) => plan.ran);

const year = new Date().getUTCFullYear();
const ratio = DEFAULT_RATIO;
const ids = {} as { roundId: number; placeId: number; funderId: number; awardId: number; actorUserId: number };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aptic-plans-'));
  path = join(dir, 'plans.db');
  const db = openMigratedDatabase(path);
  const operator = await makeMember(db, 'operator');
  const funder = await makeMember(db, 'funder');
  const cofunder = await makeMember(db, 'funder', { departementCode: '35' });
  const actor = await makeMember(db, 'actor');
  const brest = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29019' });
  const sein = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29083' });
  const rennes = makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '35238' });
  makePlace(db, { organisationId: actor.organisationId, mainCommuneCode: '29232', status: 'applied' });
  const roundId = makeRound(db, { operatorOrganisationId: operator.organisationId, departementCodes: ['29', '35'], opensOn: `${year}-01-01`, closesOn: `${year}-12-31` });
  const inRound = makeOrder(db, { funderOrganisationId: funder.organisationId, userId: funder.user.id, quantity: 300, departementCodes: ['29'], roundId });
  const elsewhere = makeOrder(db, { funderOrganisationId: cofunder.organisationId, userId: cofunder.user.id, quantity: 100, departementCodes: ['35'] });
  const bid = makeBid(db, { orderId: inRound, organisationId: actor.organisationId, lines: [{ placeId: brest, quantity: 200 }, { placeId: sein, quantity: 100 }] });
  const [awardId] = makeAwards(db, { orderId: inRound, userId: funder.user.id, lines: [{ bidId: bid, placeId: brest, quantity: 200 }, { bidId: bid, placeId: sein, quantity: 100 }] });
  const other = makeBid(db, { orderId: elsewhere, organisationId: actor.organisationId, lines: [{ placeId: rennes, quantity: 100 }] });
  const [rennesAward] = makeAwards(db, { orderId: elsewhere, userId: cofunder.user.id, lines: [{ bidId: other, placeId: rennes, quantity: 100 }] });
  const user = sessionUserOf(db, actor.user.id);
  for (let i = 0; i < 10; i++) makeDelivery(db, user, { awardId: awardId!, beneficiary: `personne-${i % 4}` });
  makeDelivery(db, user, { awardId: rennesAward!, quantity: 3 });
  db.$client.close();
  explainer = openDatabase(path);
  Object.assign(ids, { roundId, placeId: brest, funderId: funder.organisationId, awardId: awardId!, actorUserId: actor.user.id });
});

afterAll(() => {
  explainer?.$client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The reads behind the dashboard pages, as their tRPC procedures call them. */
const READS: [string, (db: Db) => unknown][] = [
  ['national dashboard (dashboards.national)', (db) => nationalDashboard(db, year, ratio)],
  ['national summary (national.summary)', (db) => nationalSummary(db, ratio)],
  ['round dashboard (dashboards.round)', (db) => roundDashboard(db, ids.roundId, ratio)],
  ['département balance (qualification.balance)', (db) => departementBalance(db, '29', year, ratio)],
  [
    'place page (places.get, awards.ofPlace, settlements.ofPlace)',
    (db) => {
      placeOwner(db, ids.placeId);
      getPlace(db, ids.placeId, year);
      awardsOfPlace(db, ids.placeId);
      return payoutsOfPlace(db, ids.placeId);
    },
  ],
  ['funder spending (orders.spending)', (db) => spendingOfFunder(db, ids.funderId)],
];

describe('what the dashboard reads ask of SQLite', () => {
  it.each(READS)('the %s reads no delivery, ledger or beneficiary table whole', (_label, call) => {
    const scans = ranBy(call).flatMap((plan) => fullScans(plan, BIG_TABLES).map((line) => `${line} — ${plan.sql}`));
    expect(scans).toEqual([]);
  });

  it.each(READS)('the %s never touches the deliveries (it reads maintained figures)', (_label, call) => {
    expect(ranBy(call).filter(touchesDeliveries).map((plan) => plan.sql)).toEqual([]);
  });
});

describe('what recording a delivery asks of SQLite', () => {
  const HOT_MODULES = ['server/services/deliveries.ts', 'server/services/ledger.ts', 'server/services/figures.ts'];
  let plans: Plan[];

  beforeAll(() => {
    plans = plansOf((db) => {
      const user = sessionUserOf(db, ids.actorUserId);
      const row = (key: string) => ({
        awardId: ids.awardId,
        quantity: 1,
        deliveredOn: new Date().toISOString().slice(0, 10),
        service: Service.AideAuxDemarchesAdministratives,
        beneficiaryRef: beneficiaryRef(key),
        idempotencyKey: key,
      });
      const key = randomUUID();
      recordDelivery(db, user, row(key));
      recordDelivery(db, user, row(key)); // the replay: found by its idempotency key
      recordDeliveryBatch(db, user, [row(randomUUID()), row(randomUUID())]);
    }).filter((plan) => HOT_MODULES.includes(plan.origin));
  });

  const find = (pattern: RegExp) => {
    const matching = plans.filter((plan) => pattern.test(plan.sql));
    expect(matching.length, `a write-path statement matching ${pattern}`).toBeGreaterThan(0);
    return matching;
  };

  it('prepares its statements in the delivery, ledger and figures services (the recorder sees them)', () => {
    expect(new Set(plans.map((plan) => plan.origin))).toEqual(new Set(HOT_MODULES));
  });

  it('finds a replayed idempotency key through its unique index', () => {
    for (const plan of find(/from deliveries where idempotency_key = \?/i)) expect(plan.lines).toEqual([expect.stringMatching(/^SEARCH deliveries USING (COVERING )?INDEX \w+ \(idempotency_key=\?\)/)]);
  });

  it('finds the award by its primary key', () => {
    for (const plan of find(/from awards where id = \?/i)) expect(plan.lines).toEqual([expect.stringMatching(/^SEARCH awards USING INTEGER PRIMARY KEY \(rowid=\?\)/)]);
  });

  it('sums an order’s progress over its own awards, through the order index', () => {
    for (const plan of find(/from awards where order_id = \?/i)) expect(plan.lines).toEqual([expect.stringMatching(/^SEARCH awards USING (COVERING )?INDEX \w+ \(order_id=\?\)/)]);
  });

  it('looks every row up by an index: no statement of the write path scans a table', () => {
    const unindexed = plans.flatMap((plan) =>
      plan.lines.filter((line) => /^SCAN /.test(line) || (/^SEARCH /.test(line) && !/ USING /.test(line))).map((line) => `${line} — ${plan.origin}: ${plan.sql}`),
    );
    expect(unindexed).toEqual([]);
  });
});
