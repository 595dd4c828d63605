import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Hono, type Context as HonoContext } from 'hono';
import { ImportIdInput, UploadImportQuery } from '../../shared/schemas/imports';
import { MAX_IMPORT_BYTES } from '../../shared/domain/delivery-import';
import { readSessionToken } from '../auth/cookie';
import { isAllowedOrigin } from '../auth/origin';
import type { AppDeps } from '../context';
import { assertCanReadOwned } from '../permissions';
import { dashboardContext } from '../realtime/dashboards';
import { resolveSession } from '../services/auth';
import { createDeliveryImport, getImport, importOwner, importProblems, importReportCsv, ImportFileError, parseDeliveryCsv, runDeliveryImport, type ParsedImport } from '../services/imports';
import { authedProcedure, costly, router } from '../trpc';
import { publishDeliveries } from './deliveries';

/** Reading an import and its report (decision 0016): its organisation's members and the operator. */
export const importsRouter = router({
  /** An import's counts and status (what the progress room carries), to refetch on joining or after a gap. */
  get: authedProcedure.input(ImportIdInput).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, importOwner(ctx.db, input.importId), 'Import');
    return getImport(ctx.db, input.importId);
  }),

  /** The summary and the lines that were not accepted (refusals first), for the page. */
  report: authedProcedure.input(ImportIdInput).query(({ ctx, input }) => {
    assertCanReadOwned(ctx.user, importOwner(ctx.db, input.importId), 'Import');
    return { import: getImport(ctx.db, input.importId), problems: importProblems(ctx.db, input.importId) };
  }),

  /** Every line of the file with its outcome, as French CSV. */
  reportCsv: authedProcedure
    .use(costly)
    .input(ImportIdInput)
    .query(({ ctx, input }) => {
      assertCanReadOwned(ctx.user, importOwner(ctx.db, input.importId), 'Import');
      return importReportCsv(ctx.db, input.importId);
    }),
});

const refusal = (c: HonoContext, status: 400 | 401 | 403 | 409 | 413 | 415 | 429, code: string, message: string) => c.json({ error: { message, code } }, status);

/**
 * `POST /api/imports/deliveries?organisationId=…&fileName=…` with the CSV as a `text/csv` body.
 * The same rules as a tRPC mutation: Origin check, session cookie, the costly-call limit (one
 * upload is one costly call). The file is read as a stream and checked line by line; the answer
 * (202, the import's id) comes once it is read, and the rows are written afterwards, chunk by
 * chunk, with progress in the room `import:<id>`.
 */
export function deliveryImportRoutes(deps: AppDeps) {
  const routes = new Hono();
  /** The people whose upload is being read or written in this process. */
  const busy = new Set<number>();

  routes.post('/deliveries', async (c) => {
    const url = new URL(c.req.url);
    const secure = (deps.config.TRUST_PROXY && c.req.header('x-forwarded-proto') === 'https') || url.protocol === 'https:';
    if (!isAllowedOrigin(c.req.header('origin'), { host: url.host, protocol: secure ? 'https:' : 'http:' }, deps.config.ALLOWED_ORIGINS)) {
      return refusal(c, 403, 'FORBIDDEN', 'Origine de la requête refusée');
    }
    const user = resolveSession(deps.db, readSessionToken(c.req.header('cookie')));
    if (!user) return refusal(c, 401, 'UNAUTHORIZED', 'Connexion requise');

    const limitKey = `user:${user.id}:imports.deliveries`;
    const wait = deps.limits.costly.retryAfter(limitKey);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return refusal(c, 429, 'TOO_MANY_REQUESTS', `Trop de demandes coûteuses en peu de temps. Réessayez dans ${wait} s.`);
    }
    deps.limits.costly.hit(limitKey);

    const query = UploadImportQuery.safeParse(c.req.query());
    if (!query.success) return refusal(c, 400, 'BAD_REQUEST', query.error.issues.map((i) => `${i.path.join('.') || 'requête'} : ${i.message}`).join(' ; '));
    const { organisationId, fileName } = query.data;
    const membership = user.memberships.find((m) => m.organisationId === organisationId);
    if (!membership || membership.organisationKind !== 'actor') return refusal(c, 403, 'FORBIDDEN', 'Accès refusé à cette ressource');

    if (c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() !== 'text/csv') {
      return refusal(c, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Fichier CSV attendu (Content-Type: text/csv)');
    }
    if (Number(c.req.header('content-length') ?? 0) > MAX_IMPORT_BYTES) return refusal(c, 413, 'PAYLOAD_TOO_LARGE', 'Fichier trop volumineux : 10 Mo au plus');
    const body = c.req.raw.body;
    if (!body) return refusal(c, 400, 'BAD_REQUEST', 'Fichier vide');
    // One import at a time per person: a second upload would only compete with the first for the writer.
    if (busy.has(user.id)) return refusal(c, 409, 'CONFLICT', 'Un de vos imports est encore en cours : attendez qu’il se termine');
    busy.add(user.id);

    let parsed: ParsedImport;
    try {
      parsed = await parseDeliveryCsv(Readable.fromWeb(body as WebReadableStream<Uint8Array>), organisationId);
    } catch (error) {
      busy.delete(user.id);
      if (error instanceof ImportFileError) return refusal(c, error.status, error.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', error.message);
      // The upload was cut before its end: nothing was written.
      return refusal(c, 400, 'BAD_REQUEST', 'Envoi interrompu avant la fin du fichier : rien n’a été enregistré, envoyez-le de nouveau');
    }

    let importId: number;
    try {
      importId = createDeliveryImport(deps.db, user, fileName, parsed);
    } catch (error) {
      busy.delete(user.id);
      throw error;
    }
    const room = `import:${importId}`;
    void runDeliveryImport(deps.db, user, importId, parsed, {
      onCommitted: (results) => publishDeliveries(dashboardContext(deps), results),
      // Keyed by import: a burst is coalesced to its latest counts, in order (one seq per room).
      onProgress: (progress) => deps.bus.publish(room, 'import.progress', progress, String(importId)),
    })
      .catch((error: unknown) => console.error(`Import ${importId} failed`, error))
      .finally(() => busy.delete(user.id));

    return c.json({ importId, totalRows: parsed.totalRows }, 202);
  });

  return routes;
}
