import { existsSync, readFileSync } from 'node:fs';
import type { AnyTRPCProcedure } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_DOCS_PATH, describeProcedures, renderApiDocs, type ProcedureDoc } from '../../server/cli/api-docs';
import { appRouter } from '../../server/routers';

const routerPaths = Object.keys(appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>).sort();

/** The part of the reference about one procedure: from its heading to the next heading of its level or above. */
function sectionOf(markdown: string, path: string): string | undefined {
  const start = markdown.indexOf(`\n### ${path}\n`);
  if (start < 0) return undefined;
  const end = markdown.slice(start + 1).search(/\n#{1,3} /);
  return end < 0 ? markdown.slice(start) : markdown.slice(start, start + 1 + end);
}

describe('the API reference (docs/api.md)', () => {
  let generated: string;
  let procedures: ProcedureDoc[];
  beforeAll(async () => {
    generated = await renderApiDocs();
    procedures = await describeProcedures();
  });

  it('documents every procedure of the router, with its kind and who may call it', () => {
    expect(procedures.map((p) => p.path)).toEqual(routerPaths);
    for (const path of routerPaths) {
      const section = sectionOf(generated, path);
      expect(section, `no section for ${path}`).toBeDefined();
      const type = (appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>)[path]!._def.type;
      expect(section).toContain(`\`${type}\``);
      expect(section).toMatch(/\*\*Access:\*\* \S/);
      expect(generated).toMatch(new RegExp(`\\| \\[${path.replace(/\./g, '\\.')}\\]\\(#[a-z0-9_-]+\\) \\| ${type} \\| [a-z]`));
    }
  });

  it('derives who may call each procedure from its middlewares', () => {
    const access = Object.fromEntries(procedures.map((p) => [p.path, p.access.short]));
    expect(access['auth.signIn']).toBe('public');
    expect(access['auth.signOut']).toBe('signed-in');
    expect(access['rounds.create']).toBe('operator');
    expect(access['bids.submit']).toBe('organisation member');
    expect(access['orders.ofFunder']).toBe('organisation member or operator');
    expect(access['deliveries.recordBatch']).toBe('signed-in, costly');
  });

  it('lists every input field with dotted paths, from the zod schemas', () => {
    const submit = procedures.find((p) => p.path === 'bids.submit')!;
    expect(submit.strict).toBe(true);
    expect(submit.fields?.map((f) => f.path)).toEqual(['organisationId', 'orderId', 'unitPriceCents', 'note', 'lines', 'lines[].placeId', 'lines[].quantity']);
    expect(submit.fields?.find((f) => f.path === 'note')).toMatchObject({ required: false, constraints: ['at most 2000 characters', 'default `""`'] });
    expect(procedures.find((p) => p.path === 'auth.me')!.fields).toBeNull();
  });

  it('renders the same text twice: no date or random value leaks into it', async () => {
    expect(await renderApiDocs()).toBe(generated);
  });

  it('is the committed docs/api.md (run `npm run docs:api` after changing a procedure, and commit the file)', () => {
    const committed = existsSync(API_DOCS_PATH) ? readFileSync(API_DOCS_PATH, 'utf8') : '';
    expect(committed, 'docs/api.md is out of date: run `npm run docs:api` and commit docs/api.md').toBe(generated);
  });
});
