import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MEMBERSHIP_ROLES } from '../../shared/domain/enums';
import { MAX_DELIVERY_BATCH } from '../../shared/domain/deliveries';
import { SERVICES } from '../../shared/domain/services';
import { makeOrganisation, makePlace, makeRound, makeSiret, makeUser, type OrgOptions } from '../../test/factories';
import { beneficiaryRef, makeAwards, makeBid, makeOrder } from '../../test/factories/marketplace';
import { createTestApp } from '../../test/setup/app';
import { MAX_BATCH_SIZE, MAX_BODY_BYTES } from '../app';
import { SESSION_COOKIE } from '../auth/cookie';
import { parseEnv } from '../env';
import { addMembership } from '../services/users';
import { appRouter } from '../routers';

// `npm run docs:api`: writes docs/api.md, the reference of every tRPC procedure, from the router
// itself (kinds, middlewares, zod inputs), the routers' doc comments and calls to a seeded app.
// Deterministic (sorted, fixed clock for the examples) so that a test compares it to the file.

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const API_DOCS_PATH = join(ROOT, 'docs/api.md');
const ROUTERS_DIR = join(ROOT, 'server/routers');

/** Where the examples pretend to run, and when: fixed so the file does not change by itself. */
const BASE_URL = 'https://place-de-marche.example';
const EXAMPLE_NOW = '2026-03-16T09:30:00.000Z';
/** The procedures shown with a real call. */
const EXAMPLE_PATHS = ['auth.me', 'dashboards.publicRound', 'deliveries.record', 'orders.get'];

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

type Middleware = ((options: unknown) => unknown) & { name: string };
/** What tRPC keeps of a built procedure at runtime (the types only reach `type` and `inputs`). */
interface RuntimeDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: z.ZodType[];
  middlewares: Middleware[];
}

export interface Field {
  path: string;
  type: string;
  required: boolean;
  constraints: string[];
  description: string;
}

export interface Access {
  /** One line, for the procedure's section. */
  rule: string;
  /** A few words, for the overview table. */
  short: string;
}

export interface ProcedureDoc {
  path: string;
  namespace: string;
  type: RuntimeDef['type'];
  access: Access;
  /** null: no input; undefined: an input zod cannot describe as JSON Schema. */
  fields: Field[] | null | undefined;
  strict: boolean;
  summary: string;
}

// --- Access, from the middlewares' names (server/trpc.ts) -------------------------------------

/** tRPC's own steps and ours that do not decide who may call. */
const NEUTRAL_MIDDLEWARES = new Set(['inputValidatorMiddleware', 'outputValidatorMiddleware', 'resolveMiddleware', 'retryOnBusy']);
const PROBE_ORGANISATION = 4_242;

/**
 * Which callers `requireRoleInOrganisation` lets through, found by calling it with made-up users:
 * its options (roles, operatorMayRead) live in a closure the router does not expose.
 */
async function organisationRule(middleware: Middleware): Promise<{ roles: string[]; operatorReads: boolean }> {
  const admits = async (memberships: { organisationId: number; organisationKind: string; role: string }[]) => {
    let passed = false;
    try {
      await middleware({
        ctx: { user: { id: 0, email: '', name: '', locale: 'fr', memberships: memberships.map((m) => ({ ...m, organisationName: '' })) } },
        input: { organisationId: PROBE_ORGANISATION },
        next: () => {
          passed = true;
          return Promise.resolve({ ok: true, data: null });
        },
      });
    } catch {
      // Refused.
    }
    return passed;
  };
  const roles: string[] = [];
  for (const role of MEMBERSHIP_ROLES) {
    if (await admits([{ organisationId: PROBE_ORGANISATION, organisationKind: 'actor', role }])) roles.push(role);
  }
  const operatorReads = await admits([{ organisationId: PROBE_ORGANISATION + 1, organisationKind: 'operator', role: 'admin' }]);
  return { roles, operatorReads };
}

async function accessOf(def: RuntimeDef, costlyPerMinute: number): Promise<Access> {
  const names = def.middlewares.map((m) => m.name);
  let rule: string;
  let short: string;
  const organisation = def.middlewares.find((m) => m.name === 'requireRoleInOrganisation');
  if (organisation) {
    const { roles, operatorReads } = await organisationRule(organisation);
    const who = roles.length === 0 || roles.length === MEMBERSHIP_ROLES.length ? 'a member' : `a member with role ${roles.map((r) => `\`${r}\``).join(' or ')}`;
    rule = `${who} of the organisation named by \`organisationId\`${operatorReads ? ', or the operator' : ''}`;
    short = operatorReads ? 'organisation member or operator' : 'organisation member';
  } else if (names.includes('requireOperator')) {
    rule = 'the operator only (a member of the organisation that runs the scheme)';
    short = 'operator';
  } else if (names.includes('requireUser')) {
    rule = 'a signed-in user';
    short = 'signed-in';
  } else {
    rule = 'anyone, without signing in';
    short = 'public';
  }
  rule = rule[0]!.toUpperCase() + rule.slice(1) + '.';
  if (names.includes('limitCostly')) {
    rule += ` Costly: at most ${costlyPerMinute} calls a minute per user (\`TOO_MANY_REQUESTS\` beyond).`;
    short += ', costly';
  }
  const known = new Set([...NEUTRAL_MIDDLEWARES, 'requireUser', 'requireOperator', 'requireRoleInOrganisation', 'limitCostly']);
  const others = [...new Set(names.filter((n) => !known.has(n)))];
  if (others.length) rule += ` Also checked by: ${others.map((n) => `\`${n || 'an unnamed middleware'}\``).join(', ')}.`;
  return { rule, short };
}

// --- Inputs, from the zod schemas -------------------------------------------------------------

function toJsonSchema(schema: z.ZodType): JsonSchema | undefined {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return undefined;
  }
}

/** The input layers of a procedure (`.input()` called more than once) as one object. */
function mergedInput(inputs: z.ZodType[]): { root: JsonSchema; strict: boolean } | undefined {
  const layers = inputs.map(toJsonSchema);
  if (layers.some((l) => l === undefined)) return undefined;
  const objects = layers as JsonSchema[];
  if (objects.length === 1 && !objects[0]!.properties) return { root: objects[0]!, strict: false };
  const root: JsonSchema = { type: 'object', properties: {}, required: [], $defs: {} };
  for (const layer of objects) {
    Object.assign(root.properties!, layer.properties ?? {});
    root.required = [...new Set([...root.required!, ...(layer.required ?? [])])];
    Object.assign(root.$defs!, layer.$defs ?? {});
  }
  // Every layer parses the whole input: one strict layer refuses unknown fields for all.
  return { root, strict: objects.some((l) => l.additionalProperties === false) };
}

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const name = schema.$ref?.match(/^#\/\$defs\/(.+)$/)?.[1];
  return name && root.$defs?.[name] ? { ...root.$defs[name], ...schema, $ref: undefined } : schema;
}

function typeOf(raw: JsonSchema, root: JsonSchema): string {
  const schema = deref(raw, root);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((s) => typeOf(s, root)).join(' or ');
  if (schema.const !== undefined) return code(schema.const);
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  if (schema.type === 'array') return `array of ${schema.items && Object.keys(schema.items).length ? typeOf(schema.items, root) : 'any value'}`;
  if (schema.type === 'string' && schema.format === 'date') return 'date';
  if (schema.type === 'string' && schema.format === 'date-time') return 'date-time';
  return schema.type ?? 'any value';
}

function constraintsOf(raw: JsonSchema, root: JsonSchema): string[] {
  const schema = deref(raw, root);
  const out: string[] = [];
  for (const branch of schema.anyOf ?? schema.oneOf ?? []) out.push(...constraintsOf(branch, root));
  if (schema.enum) {
    out.push(sameList(schema.enum, SERVICES) ? 'a service of the [national vocabulary](#services-vocabulary)' : `one of ${schema.enum.map(code).join(', ')}`);
  }
  const bounded = (n: number | undefined) => n !== undefined && Math.abs(n) !== Number.MAX_SAFE_INTEGER;
  if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`);
  if (bounded(schema.minimum)) out.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMaximum !== undefined) out.push(`< ${schema.exclusiveMaximum}`);
  if (bounded(schema.maximum)) out.push(`≤ ${schema.maximum}`);
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) out.push(min === max ? `exactly ${min} ${unit}` : `${min} to ${max} ${unit}`);
    else if (min !== undefined) out.push(`at least ${min} ${unit}`);
    else if (max !== undefined) out.push(`at most ${max} ${unit}`);
  };
  range(schema.minLength, schema.maxLength, 'characters');
  range(schema.minItems, schema.maxItems, 'items');
  if (schema.format === 'date') out.push('`YYYY-MM-DD`');
  else if (schema.format === 'date-time') out.push('ISO 8601, UTC');
  else if (schema.format) out.push(`format ${schema.format}`);
  else if (schema.pattern) out.push(`pattern ${code(schema.pattern)}`);
  if (schema.type === 'array' && schema.items && !deref(schema.items, root).properties) {
    const each = constraintsOf(schema.items, root);
    if (each.length) out.push(`each: ${each.join(', ')}`);
  }
  if (schema.default !== undefined) out.push(`default \`${JSON.stringify(schema.default)}\``);
  return out;
}

/** One row per field, nested objects and arrays of objects flattened to dotted paths (`lines[].placeId`). */
function fieldsOf(object: JsonSchema, root: JsonSchema, prefix = '', out: Field[] = []): Field[] {
  const required = new Set(object.required ?? []);
  for (const [name, raw] of Object.entries(object.properties ?? {})) {
    const schema = deref(raw, root);
    const path = `${prefix}${name}`;
    out.push({ path, type: typeOf(schema, root), required: required.has(name), constraints: constraintsOf(schema, root), description: schema.description ?? '' });
    if (schema.properties) fieldsOf(schema, root, `${path}.`, out);
    const items = schema.type === 'array' && schema.items ? deref(schema.items, root) : undefined;
    if (items?.properties) fieldsOf(items, root, `${path}[].`, out);
  }
  return out;
}

function inputOf(def: RuntimeDef): Pick<ProcedureDoc, 'fields' | 'strict'> {
  if (def.inputs.length === 0) return { fields: null, strict: false };
  const merged = mergedInput(def.inputs);
  if (!merged) return { fields: undefined, strict: false };
  const { root, strict } = merged;
  if (!root.properties) {
    return { fields: [{ path: '(the input itself)', type: typeOf(root, root), required: true, constraints: constraintsOf(root, root), description: root.description ?? '' }], strict };
  }
  return { fields: fieldsOf(root, root), strict };
}

// --- Summaries, from the doc comments of the router sources -----------------------------------

const cleanComment = (body: string) =>
  body
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The `/** … *\/` comment right above each procedure key (`name:`) and above each router, read
 * from server/routers/*.ts. The namespace → router variable map comes from index.ts.
 */
export function routerComments(): { namespaces: Map<string, string>; procedures: Map<string, string> } {
  const sources = new Map<string, { text: string; start: number; comment: string }>();
  for (const file of readdirSync(ROUTERS_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    const text = readFileSync(join(ROUTERS_DIR, file), 'utf8');
    for (const match of text.matchAll(/(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?export const (\w+)\s*=\s*router\(/g)) {
      sources.set(match[2]!, { text, start: match.index + match[0].length, comment: match[1] ? cleanComment(match[1]) : '' });
    }
  }
  const index = readFileSync(join(ROUTERS_DIR, 'index.ts'), 'utf8');
  const app = sources.get('appRouter');
  const namespaces = new Map<string, string>();
  const procedures = new Map<string, string>();
  if (!app) return { namespaces, procedures };
  const body = index.slice(app.start, index.indexOf('});', app.start));
  for (const [, namespace, variable] of body.matchAll(/(\w+)\s*:\s*(\w+)/g)) {
    const source = sources.get(variable!);
    if (!source) continue;
    if (source.comment) namespaces.set(namespace!, source.comment);
    for (const match of source.text.slice(source.start).matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)\s*:/g)) {
      const path = `${namespace}.${match[2]}`;
      if (!procedures.has(path)) procedures.set(path, cleanComment(match[1]!));
    }
  }
  return { namespaces, procedures };
}

// --- The procedures ---------------------------------------------------------------------------

export async function describeProcedures(): Promise<ProcedureDoc[]> {
  const { procedures: summaries } = routerComments();
  const costlyPerMinute = parseEnv({}).COSTLY_MAX_PER_MINUTE;
  const entries = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: RuntimeDef }>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const docs: ProcedureDoc[] = [];
  for (const [path, procedure] of entries) {
    const def = procedure._def;
    docs.push({
      path,
      namespace: path.split('.')[0]!,
      type: def.type,
      access: await accessOf(def, costlyPerMinute),
      ...inputOf(def),
      summary: summaries.get(path) ?? summaries.get(`${path.split('.')[0]}.${path.split('.').at(-1)}`) ?? '',
    });
  }
  return docs;
}

// --- Examples: real calls on a small seeded app, under a fixed clock ---------------------------

interface Exchange {
  method: 'GET' | 'POST';
  path: string;
  input: unknown;
  cookie: boolean;
  status: number;
  setCookie?: string;
  body: unknown;
}

/**
 * Runs `work` with `new Date()` and `Date.now()` stopped at the instant it last gave to `setNow`
 * (`start` at first), and restores the real clock afterwards, even on failure.
 */
async function withFixedClock<T>(start: string, work: (setNow: (iso: string) => void) => Promise<T>): Promise<T> {
  const RealDate = globalThis.Date;
  let fixed = RealDate.parse(start);
  const FixedDate = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return new RealDate(fixed).toString();
    return Reflect.construct(RealDate, args.length ? args : [fixed], new.target) as Date;
  } as unknown as DateConstructor;
  Object.setPrototypeOf(FixedDate, RealDate);
  Object.defineProperty(FixedDate, 'prototype', { value: RealDate.prototype });
  Object.defineProperty(FixedDate, 'now', { value: () => fixed });
  globalThis.Date = FixedDate;
  try {
    return await work((iso) => (fixed = RealDate.parse(iso)));
  } finally {
    globalThis.Date = RealDate;
  }
}

export async function recordExamples(): Promise<{ signIn: Exchange; refused: Exchange; calls: Map<string, Exchange> }> {
  return withFixedClock('2026-03-02T10:00:00.000Z', async (setNow) => {
    const { app, db } = createTestApp();
    const member = async (kind: 'funder' | 'actor' | 'operator', organisation: OrgOptions, user: { name: string; email: string }) => {
      const organisationId = makeOrganisation(db, kind, organisation);
      const created = await makeUser(db, user);
      addMembership(db, created.id, organisationId, 'admin');
      return { organisationId, user: created };
    };
    const operator = await member('operator', { name: 'Réseau #APTIC' }, { name: 'Opérateur du dispositif', email: 'operateur@aptic.example' });
    const funder = await member('funder', { name: 'Département du Finistère', siret: makeSiret(29) }, { name: 'Anne Le Goff', email: 'commandes@finistere.example' });
    const actor = await member('actor', { name: 'Association Ty Numérique', siret: makeSiret(2_901) }, { name: 'Yann Kerjean', email: 'lieu@ty-numerique.example' });
    const placeId = makePlace(db, { organisationId: actor.organisationId, name: 'Espace numérique de Bellevue', address: '1 place de Metz, Brest' });
    const roundId = makeRound(db, { operatorOrganisationId: operator.organisationId, name: 'Campagne Finistère 2026', opensOn: '2026-01-01', closesOn: '2026-12-31', targetCents: 50_000_000 });
    const orderId = makeOrder(db, {
      funderOrganisationId: funder.organisationId,
      userId: funder.user.id,
      title: 'Démarches en ligne à Brest',
      quantity: 200,
      roundId,
      bidDeadline: '2026-03-13',
      today: '2026-03-02',
    });
    setNow('2026-03-10T14:00:00.000Z');
    const bidId = makeBid(db, { orderId, organisationId: actor.organisationId, lines: [{ placeId, quantity: 200 }], today: '2026-03-10' });
    setNow('2026-03-14T11:00:00.000Z');
    const [awardId] = makeAwards(db, { orderId, userId: funder.user.id, lines: [{ bidId, placeId, quantity: 200 }], today: '2026-03-14' });

    setNow(EXAMPLE_NOW);
    const call = async (method: Exchange['method'], path: string, input: unknown, cookie?: string): Promise<Exchange> => {
      const query = method === 'GET' && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
      const response = await app.request(`http://localhost/trpc/${path}${query}`, {
        method,
        headers: {
          ...(method === 'POST' ? { origin: 'http://localhost', 'content-type': 'application/json' } : {}),
          ...(cookie ? { cookie } : {}),
        },
        ...(method === 'POST' ? { body: JSON.stringify(input ?? null) } : {}),
      });
      const setCookie = response.headers.getSetCookie()[0];
      const body: unknown = await response.json();
      // A scenario that no longer works must stop the generator, not be documented as the example.
      const expected = path === 'orders.create' ? 400 : 200;
      if (response.status !== expected) {
        throw new Error(`docs:api — the example call ${path} answered ${response.status} (expected ${expected}): ${JSON.stringify(body)}; adapt the scenario in server/cli/api-docs.ts`);
      }
      return { method, path, input, cookie: !!cookie, status: response.status, setCookie, body };
    };
    const signIn = async (email: string, password: string) => {
      const exchange = await call('POST', 'auth.signIn', { email, password });
      return { exchange, cookie: exchange.setCookie!.split(';')[0]! };
    };

    const asActor = await signIn(actor.user.email, actor.user.password);
    const asFunder = await signIn(funder.user.email, funder.user.password);
    const calls = new Map<string, Exchange>();
    const delivery = {
      awardId,
      quantity: 2,
      deliveredOn: '2026-03-16',
      service: SERVICES.find((s) => s === 'Aide aux démarches administratives') ?? SERVICES[0],
      beneficiaryRef: beneficiaryRef('dossier-0042'),
      idempotencyKey: 'ty-numerique-2026-03-16-0001',
    };
    calls.set('deliveries.record', await call('POST', 'deliveries.record', delivery, asActor.cookie));
    calls.set('auth.me', await call('GET', 'auth.me', undefined, asFunder.cookie));
    calls.set('orders.get', await call('GET', 'orders.get', { orderId }, asFunder.cookie));
    calls.set('dashboards.publicRound', await call('GET', 'dashboards.publicRound', { roundId }));
    const refused = await call(
      'POST',
      'orders.create',
      { organisationId: funder.organisationId, title: 'Ateliers', services: ['Cours de cuisine'], quantity: 0, bidDeadline: '13/03/2026', deliveryStartsOn: '2026-04-01', deliveryEndsOn: '2026-12-31', colour: 'bleu' },
      asFunder.cookie,
    );
    db.$client.close();
    return { signIn: asFunder.exchange, refused, calls };
  });
}

// --- Markdown ---------------------------------------------------------------------------------

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const anchor = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
const json = (value: unknown) => JSON.stringify(value, null, 2);
const STATUS_TEXT: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };
const outputType = (path: string) => `inferRouterOutputs<AppRouter>${path.split('.').map((p) => `['${p}']`).join('')}`;

function renderExchange(exchange: Exchange): string {
  const host = new URL(BASE_URL).host;
  const target = exchange.method === 'GET' && exchange.input !== undefined ? `/trpc/${exchange.path}?input=${encodeURIComponent(JSON.stringify(exchange.input))}` : `/trpc/${exchange.path}`;
  const request = [`${exchange.method} ${target} HTTP/1.1`, `Host: ${host}`];
  if (exchange.method === 'POST') request.push(`Origin: ${BASE_URL}`, 'Content-Type: application/json');
  if (exchange.cookie) request.push(`Cookie: ${SESSION_COOKIE}=<token>`);
  if (exchange.method === 'POST') request.push('', json(exchange.input));
  const response = [`HTTP/1.1 ${exchange.status} ${STATUS_TEXT[exchange.status] ?? ''}`.trim(), 'Content-Type: application/json'];
  if (exchange.setCookie) response.push(`Set-Cookie: ${exchange.setCookie.replace(/^([^=]+)=[^;]*/, '$1=<token>')}`);
  response.push('', json(exchange.body));
  const lines = ['```http', ...request, '```', ''];
  if (exchange.method === 'GET' && exchange.input !== undefined) lines.push(`(the input, before URL encoding: \`${JSON.stringify(exchange.input)}\`)`, '');
  lines.push('```http', ...response, '```');
  return lines.join('\n');
}

function renderFields(fields: Field[]): string[] {
  const described = fields.some((f) => f.description);
  const header = described ? ['| field | type | required | constraints | description |', '| --- | --- | --- | --- | --- |'] : ['| field | type | required | constraints |', '| --- | --- | --- | --- |'];
  return [
    ...header,
    ...fields.map((f) => {
      const row = [`\`${f.path}\``, cell(f.type), f.required ? 'yes' : 'no', cell(f.constraints.join(', '))];
      if (described) row.push(cell(f.description));
      return `| ${row.join(' | ')} |`;
    }),
  ];
}

function renderProcedure(doc: ProcedureDoc, example: Exchange | undefined): string {
  const lines = [`### ${doc.path}`, ''];
  lines.push(`\`${doc.type}\` · ${doc.type === 'query' ? `\`GET /trpc/${doc.path}\`` : `\`POST /trpc/${doc.path}\``}`, '');
  if (doc.summary) lines.push(doc.summary, '');
  lines.push(`**Access:** ${doc.access.rule}`, '');
  if (doc.fields === null) lines.push('**Input:** none.', '');
  else if (doc.fields === undefined) lines.push('**Input:** not describable as JSON Schema; see the zod schema given to `.input()` in its router.', '');
  else lines.push(`**Input:** a JSON object${doc.strict ? '; fields not listed here are refused' : ''}.`, '', ...renderFields(doc.fields), '');
  lines.push(`**Output:** see the type \`${outputType(doc.path)}\`.`, '');
  if (example) lines.push('**Example:**', '', renderExchange(example), '');
  return lines.join('\n');
}

function renderIntroduction(docs: ProcedureDoc[], examples: Awaited<ReturnType<typeof recordExamples>>): string {
  const env = parseEnv({});
  const withField = (name: string) => docs.filter((d) => d.fields?.some((f) => f.path === name)).map((d) => `\`${d.path}\``);
  return `# API reference

<!-- Generated by \`npm run docs:api\` (server/cli/api-docs.ts) from the tRPC router, its zod
     schemas and the routers' doc comments. Do not edit by hand: change the code and run it again. -->

The marketplace's server speaks [tRPC](https://trpc.io) over plain HTTP and JSON: any HTTP
client can call it, no tRPC library is needed. This page is for an IT team integrating its own
system (a funder's finance software, a place's delivery records). It lists every procedure the
server exposes, with who may call it and what it accepts.

## How to call the API

### Base URL, queries and mutations

Every procedure lives under \`${BASE_URL}/trpc/<path>\` (replace the host with your instance's).

- A **query** reads: \`GET /trpc/<path>?input=<JSON, URL-encoded>\` (no \`input\` parameter when
  the procedure takes none).
- A **mutation** writes: \`POST /trpc/<path>\` with the input as a JSON body and
  \`Content-Type: application/json\`.

An answer is \`{ "result": { "data": … } }\` with HTTP 200; a refusal is \`{ "error": … }\` with
the HTTP status of its code (see [Errors](#errors)).

### Signing in and keeping the session

Call \`auth.signIn\` with an e-mail and a password. The answer sets the session cookie
\`${SESSION_COOKIE}\` (HttpOnly, SameSite=Lax, Secure over HTTPS, valid ${env.SESSION_TTL_DAYS} days by default):
send it back as \`Cookie: ${SESSION_COOKIE}=<token>\` on every later call. \`auth.signOut\` ends it; a
password change ends every session of the user. A missing or expired session answers
\`UNAUTHORIZED\`. Sign-in is rate limited (${env.SIGNIN_MAX_PER_IP} attempts per IP and ${env.SIGNIN_MAX_FAILURES_PER_EMAIL} failures per e-mail every
${env.SIGNIN_WINDOW_MINUTES} minutes by default), and its refusal never says whether the account exists.

${renderExchange(examples.signIn)}

### The Origin header

Every \`POST\` must carry an \`Origin\` header equal to the site's own origin (scheme and host, for
example \`Origin: ${BASE_URL}\`) or to one of the origins the operator lists in
\`ALLOWED_ORIGINS\`; otherwise it is refused with HTTP 403 before it reaches the procedure.
Browsers send it by themselves; a server-to-server client must set it. \`GET\` needs none.

### Batching

Several calls of the same kind may go in one request: join their paths with commas and add
\`batch=1\`. Inputs are then an object keyed by position, and the answer is an array in the same order.

\`\`\`http
GET /trpc/orders.get,orders.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { orderId: 1 }, 1: { orderId: 2 } }))}

POST /trpc/deliveries.record,deliveries.record?batch=1
Content-Type: application/json

{ "0": { …first delivery… }, "1": { …second delivery… } }
\`\`\`

Each call of a batch succeeds or fails on its own. To record many deliveries at once, prefer
\`deliveries.recordBatch\` (up to ${MAX_DELIVERY_BATCH} rows, all or nothing).

### Limits

- Request bodies up to ${MAX_BODY_BYTES / (1024 * 1024)} MB (HTTP 413, \`PAYLOAD_TOO_LARGE\`, beyond).
- At most ${MAX_BATCH_SIZE} calls per batch.
- \`deliveries.recordBatch\`: at most ${MAX_DELIVERY_BATCH} rows.
- Procedures marked **costly** (batches, CSV exports, settlement runs, recommendations, ledger
  checks): at most ${env.COSTLY_MAX_PER_MINUTE} calls a minute per user and procedure by default.

### Errors

A refusal carries a machine-readable code in \`error.data.code\` and a message in French, written
for people: program against the code and the field keys, show the message.

| \`data.code\` | HTTP | when |
| --- | --- | --- |
| \`BAD_REQUEST\` | 400 | the input is refused: see \`data.fieldErrors\`, \`data.formErrors\` and, for batches, \`data.rowErrors\`; also a body that is not JSON |
| \`UNAUTHORIZED\` | 401 | no valid session, or wrong e-mail or password at sign-in |
| \`FORBIDDEN\` | 403 | the caller may not do this, or may not see this object; an id that does not exist answers the same, so ids cannot be probed; a \`POST\` without an allowed \`Origin\` |
| \`NOT_FOUND\` | 404 | the object does not exist (told only to callers who could see it) |
| \`CONFLICT\` | 409 | the state forbids it (deadline passed, order closed…), an idempotency key reused for something else, or a stale draft version (\`data.current\`) |
| \`TOO_MANY_REQUESTS\` | 429 | a sign-in or costly-procedure limit; the message says when to retry |
| \`INTERNAL_SERVER_ERROR\` | 500 | the server failed; nothing was half-written, the call may be retried |

\`data.fieldErrors\` is keyed by the field's full dotted path, array indexes included and
counted from 0 (\`lines.1.placeId\`); a field the schema does not know is reported as
\`Champ inconnu\`. Rules across fields (dates in order, no place twice) and checks against the
data (a commune that exists) are not in the tables below but answer the same way, on the field
to correct. \`data.rowErrors\` lists the refused rows of a batch as \`{ row, field, message }\`,
\`row\` counted from 1. A refused input, for example:

${renderExchange(examples.refused)}

### Idempotency keys for payments and deliveries

The procedures that move money or record work take an \`idempotencyKey\` (${withField('idempotencyKey').join(', ')},
and each row of \`deliveries.recordBatch\`): 8 to 100 characters among \`A-Z a-z 0-9 - _\`, for
example a UUID or your own record's id. Sending the same key again with the same content returns
the first result with \`replayed: true\` and moves nothing; the same key with different content
is refused with \`CONFLICT\`. After a timeout or a network error, retry with the **same** key.
\`settlements.run\` (per month) and \`settlements.markPaid\` (per payout) are idempotent the same way.

### Optimistic versions for joint drafts

Every write to a joint draft (${withField('version').join(', ')}) names the \`version\` it was
made on, as read from \`drafts.get\` or returned by the previous write. Each successful write
increments it. A write on an older version is refused with \`CONFLICT\` and
\`data.current = { version, value }\`, what is there now: redo the change on it.

### Money, dates and identifiers

- Money is in **integer cents of euros**, in fields ending in \`Cents\` (\`150000\` is 1 500,00 €).
  Never send decimals. Rates ending in \`Bps\` are basis points (\`500\` is 5 %).
- Dates are ISO \`YYYY-MM-DD\`, months \`YYYY-MM\`, instants ISO 8601 in UTC
  (\`${EXAMPLE_NOW}\`).
- Ids are positive integers. Territories use INSEE codes: départements (\`29\`, \`2A\`) and
  communes (\`29019\`).
- Beneficiaries are never named: \`beneficiaryRef\` is a hexadecimal hash (SHA-256) computed on
  your side from your own reference.

### Reading this reference

For each procedure: its kind and HTTP method, who may call it, its input field by field
(\`lines[].placeId\` is the \`placeId\` of each element of \`lines\`), and its output as a
TypeScript type. **Access** says who may call the procedure at all; a procedure open to any
signed-in user then checks the caller's rights on each object its input names (the order's
funder, the place's organisation, the partnership's lead…) and answers \`FORBIDDEN\` otherwise.

The output types come from this repository (\`AppRouter\` in \`server/routers/index.ts\`, with
\`inferRouterOutputs\` from \`@trpc/server\`); a TypeScript client can also use \`@trpc/client\`
with \`AppRouter\` and get every input and output typed. A few procedures show a real exchange,
recorded on a small demo (the session token is elided).
`;
}

/** The whole of docs/api.md. */
export async function renderApiDocs(): Promise<string> {
  const docs = await describeProcedures();
  const { namespaces } = routerComments();
  const examples = await recordExamples();
  const out = [renderIntroduction(docs, examples)];

  out.push('## Procedures at a glance', '', '| procedure | kind | who may call it |', '| --- | --- | --- |');
  for (const doc of docs) out.push(`| [${doc.path}](#${anchor(doc.path)}) | ${doc.type} | ${doc.access.short} |`);
  out.push('');

  for (const namespace of [...new Set(docs.map((d) => d.namespace))]) {
    out.push(`## ${namespace}`, '');
    const summary = namespaces.get(namespace);
    if (summary) out.push(summary, '');
    for (const doc of docs.filter((d) => d.namespace === namespace)) {
      out.push(renderProcedure(doc, EXAMPLE_PATHS.includes(doc.path) ? examples.calls.get(doc.path) : undefined));
    }
  }

  out.push('## Services vocabulary', '', 'The national vocabulary of digital inclusion services (ANCT), exactly as the API expects it:', '');
  for (const service of SERVICES) out.push(`- \`${service}\``);
  out.push('');
  return out.join('\n');
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const markdown = await renderApiDocs();
  writeFileSync(API_DOCS_PATH, markdown);
  console.log(`docs:api — ${API_DOCS_PATH} written (${markdown.split('\n').length} lines)`);
}
