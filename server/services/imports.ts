import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TRPCError } from '@trpc/server';
import { parse, type CsvError } from 'csv-parse';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { preparedFor } from '../../db/prepared';
import { deliveryImportRows, deliveryImports } from '../../db/schema';
import { toFrenchCsv } from '../../shared/csv';
import {
  columnName,
  DERIVED_KEY_PREFIX,
  derivedKeySource,
  IMPORT_CHUNK_ROWS,
  IMPORT_COLUMNS,
  isoDateOf,
  LOCAL_REFERENCE_COLUMN,
  MAX_IMPORT_BYTES,
  REPORT_COLUMNS,
  ROW_STATUS_LABELS,
  serviceOf,
  type ImportField,
  type ImportRowStatus,
  type ImportStatus,
} from '../../shared/domain/delivery-import';
import { todayIso } from '../../shared/domain/orders';
import type { ImportProgress } from '../../shared/events';
import { IsoDate } from '../../shared/schemas/common';
import { RecordDeliveryInput } from '../../shared/schemas/deliveries';
import { rowErrorsOf, RowErrors } from '../errors';
import type { SessionUser } from './auth';
import { awardOwner, recordDeliveryBatch, type DeliveryResult } from './deliveries';

/**
 * The bulk delivery import (decision 0016). A file is read as a stream and checked line by line
 * (`parseDeliveryCsv`); its valid rows are then written in chunks of IMPORT_CHUNK_ROWS, each
 * chunk one transaction through the delivery service, with a turn of the event loop between
 * chunks (`runDeliveryImport`). Every line ends in the report: accepted, duplicate (its key was
 * already recorded) or refused with its field and reason.
 */

/** A refusal of the whole file (no import is created): the HTTP status says why. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 = 400,
  ) {
    super(message);
  }
}

export interface ImportRow {
  line: number;
  input: RecordDeliveryInput;
}

interface LineError {
  field: string | null;
  message: string;
}

export interface RefusedLine {
  line: number;
  key: string | null;
  errors: LineError[];
}

export interface ParsedImport {
  organisationId: number;
  rows: ImportRow[];
  refused: RefusedLine[];
  /** Data lines of the file: rows + refused. */
  totalRows: number;
}

const REQUIRED: ImportField[] = ['awardId', 'deliveredOn', 'service', 'quantity', 'beneficiaryRef'];
const FIELD_OF_COLUMN = new Map<string, ImportField>(Object.entries(IMPORT_COLUMNS).map(([field, column]) => [column, field as ImportField]));

/** The column index of each field, from the header row; refuses a header the import cannot read. */
function readHeader(record: string[]): Map<ImportField, number> {
  const names = record.map(columnName);
  if (names.includes(LOCAL_REFERENCE_COLUMN)) {
    throw new ImportFileError(
      `La colonne ${LOCAL_REFERENCE_COLUMN} contient les références des personnes en clair : importez le fichier depuis la page « Importer des prestations », ` +
        `qui les remplace dans votre navigateur par leur empreinte, ou fournissez la colonne ${IMPORT_COLUMNS.beneficiaryRef}`,
    );
  }
  const columns = new Map<ImportField, number>();
  names.forEach((name, index) => {
    const field = FIELD_OF_COLUMN.get(name);
    if (!field) return; // a column of the person's own (comments, names of workshops…) is ignored
    if (columns.has(field)) throw new ImportFileError(`La colonne ${name} apparaît deux fois dans l’en-tête`);
    columns.set(field, index);
  });
  const missing = REQUIRED.filter((field) => !columns.has(field)).map((field) => REPORT_COLUMNS[field]);
  if (missing.length) {
    throw new ImportFileError(
      `Colonne(s) manquante(s) dans l’en-tête : ${missing.join(', ')}. En-tête attendu : attribution;date;service;quantite;${LOCAL_REFERENCE_COLUMN};cle (séparateur point-virgule)`,
    );
  }
  return columns;
}

const SKIP_MESSAGES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'Guillemet ouvert et jamais refermé : la suite du fichier n’a pas pu être lue',
  CSV_MAX_RECORD_SIZE: 'Ligne trop longue',
};

const REFERENCE_MISSING = 'Référence de la personne manquante';

/** One data line to a delivery input, or its errors, each on the column it concerns. */
function readLine(record: string[], columns: Map<ImportField, number>, headerLength: number): { input?: Record<string, unknown>; key: string | null; errors: LineError[] } {
  const cell = (field: ImportField) => {
    const index = columns.get(field);
    return index === undefined ? '' : (record[index] ?? '').trim();
  };
  const errors: LineError[] = [];
  const refuse = (field: ImportField, message: string) => errors.push({ field: REPORT_COLUMNS[field], message });
  const key = cell('idempotencyKey') || null;

  if (record.some((value) => value.includes('\uFFFD'))) {
    return { key, errors: [{ field: null, message: 'Caractère illisible : enregistrez le fichier en UTF-8' }] };
  }
  if (record.slice(headerLength).some((value) => value.trim() !== '')) {
    errors.push({ field: null, message: `Plus de colonnes (${record.length}) que l’en-tête (${headerLength})` });
  }

  const number = (field: ImportField, message: string) => {
    const text = cell(field);
    if (text === '') refuse(field, 'Valeur manquante');
    else if (!/^\d{1,9}$/.test(text)) refuse(field, message);
    return Number(text);
  };
  const awardId = number('awardId', 'Numéro d’attribution attendu (nombre entier)');
  const quantity = number('quantity', 'Nombre entier de services attendu');
  const dateText = cell('deliveredOn');
  const deliveredOn = isoDateOf(dateText);
  if (!dateText) refuse('deliveredOn', 'Valeur manquante');
  else if (!deliveredOn) refuse('deliveredOn', 'Date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ');
  else if (!IsoDate.safeParse(deliveredOn).success) refuse('deliveredOn', `Date inexistante (${dateText})`);
  const serviceText = cell('service');
  const service = serviceOf(serviceText);
  if (!serviceText) refuse('service', 'Valeur manquante');
  else if (!service) refuse('service', 'Service hors du référentiel national');
  const beneficiaryRef = cell('beneficiaryRef');
  if (!beneficiaryRef) refuse('beneficiaryRef', REFERENCE_MISSING);

  const input = { awardId, quantity, deliveredOn: deliveredOn ?? dateText, service: service ?? serviceText, beneficiaryRef, idempotencyKey: key ?? `${DERIVED_KEY_PREFIX}00000000` };
  // The shared schema has the last word (date that does not exist, quantity bounds, key shape…).
  const parsed = RecordDeliveryInput.safeParse(input);
  if (!parsed.success) {
    const named = new Set(errors.map((e) => e.field));
    for (const issue of parsed.error.issues) {
      const field = REPORT_COLUMNS[issue.path[0] as ImportField] ?? null;
      if (!named.has(field)) errors.push({ field, message: issue.message });
      named.add(field);
    }
  }
  return errors.length ? { key, errors } : { input: parsed.data!, key, errors };
}

const lineBreaks = (record: string[]) => record.reduce((n, value) => n + (value.match(/\n/g)?.length ?? 0), 0);

/**
 * Reads a CSV of deliveries as it arrives (at most `maxBytes`), checking each data line on its
 * own: what it can be turned into a delivery input, what not with its line number, column and
 * reason. A missing key is derived from the line's content (decision 0016). Refuses the whole
 * file only when it cannot be read as an import at all (header, size).
 */
export async function parseDeliveryCsv(
  source: Readable | AsyncIterable<Uint8Array | string> | string | Uint8Array,
  organisationId: number,
  options: { maxBytes?: number } = {},
): Promise<ParsedImport> {
  const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(bytes > maxBytes ? new ImportFileError(`Fichier trop volumineux : ${Math.round(maxBytes / 1024 / 1024)} Mo au plus`, 413) : null, chunk);
    },
  });
  let lastLine = 0;
  const skipped: RefusedLine[] = [];
  const parser = parse({
    delimiter: ';',
    bom: true,
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: 64 * 1024,
    on_record: (record, context) => {
      lastLine = context.lines;
      return record;
    },
    on_skip: (error: CsvError | undefined) => {
      skipped.push({ line: lastLine + 1, key: null, errors: [{ field: null, message: SKIP_MESSAGES[error?.code ?? ''] ?? 'Ligne illisible' }] });
    },
  });
  const input = typeof source === 'string' || source instanceof Uint8Array ? Readable.from([source]) : source instanceof Readable ? source : Readable.from(source);
  // Errors (too big, upload cut) surface in the loop below, which the pipeline's parser feeds.
  const feeding = pipeline(input, limit, parser).catch(() => undefined);

  const result: ParsedImport = { organisationId, rows: [], refused: [], totalRows: 0 };
  const occurrences = new Map<string, number>();
  let columns: Map<ImportField, number> | undefined;
  let headerLength = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines - lineBreaks(record);
      if (!columns) {
        columns = readHeader(record);
        headerLength = record.length;
        continue;
      }
      if (record.every((value) => value.trim() === '')) continue; // `;;;;`: an empty spreadsheet row
      result.totalRows += 1;
      const read = readLine(record, columns, headerLength);
      if (!read.input) {
        result.refused.push({ line, key: read.key, errors: read.errors });
        continue;
      }
      const input = read.input as RecordDeliveryInput;
      if (!read.key) {
        const source = derivedKeySource(organisationId, input, 0);
        const rank = occurrences.get(source) ?? 0;
        occurrences.set(source, rank + 1);
        const digest = createHash('sha256').update(derivedKeySource(organisationId, input, rank)).digest('hex').slice(0, 40);
        input.idempotencyKey = `${DERIVED_KEY_PREFIX}${digest}`;
      }
      result.rows.push({ line, input });
    }
  } catch (error) {
    input.destroy();
    parser.destroy();
    throw error;
  }
  await feeding;
  if (!columns) throw new ImportFileError('Fichier vide : la première ligne doit être l’en-tête des colonnes');
  result.totalRows += skipped.length;
  result.refused.push(...skipped);
  result.refused.sort((a, b) => a.line - b.line);
  if (result.totalRows === 0) throw new ImportFileError('Le fichier ne contient aucune ligne de prestation sous son en-tête');
  return result;
}

// ——— Writing ———

const statements = preparedFor((db) => ({
  report: db.$client.prepare<[number, number, string | null, ImportRowStatus, string | null, string, number | null]>(
    'insert into delivery_import_rows (import_id, line, idempotency_key, status, field, message, delivery_id) values (?, ?, ?, ?, ?, ?, ?)',
  ),
  count: db.$client.prepare<[number, number, number, number, number, number, string, number]>(
    `update delivery_imports set processed_rows = processed_rows + ? + ? + ?, accepted = accepted + ?, duplicates = duplicates + ?,
       refused = refused + ?, updated_at = ? where id = ?`,
  ),
}));

type ImportRecord = typeof deliveryImports.$inferSelect;

/** An import still `processing` whose last chunk is older than this was stopped (crash, restart). */
const STALE_MS = 60_000;

const now = () => new Date().toISOString();

function progressOf(row: ImportRecord): ImportProgress {
  const stale = row.status === 'processing' && Date.now() - Date.parse(row.updatedAt) > STALE_MS;
  const status: ImportStatus = stale ? 'interrupted' : row.status;
  return {
    importId: row.id,
    status,
    processedRows: row.processedRows,
    totalRows: row.totalRows,
    accepted: row.accepted,
    duplicates: row.duplicates,
    refused: row.refused,
    done: status !== 'processing',
  };
}

function importRow(db: Db, importId: number): ImportRecord | undefined {
  return db.select().from(deliveryImports).where(eq(deliveryImports.id, importId)).get();
}

/** The organisation an import was made for, or undefined when there is no such import. */
export function importOwner(db: Db, importId: number): number | undefined {
  return db.select({ organisationId: deliveryImports.organisationId }).from(deliveryImports).where(eq(deliveryImports.id, importId)).get()?.organisationId;
}

/** Who may follow an import's room: its uploader and its organisation. */
export function importAudience(db: Db, importId: number): { userId: number; organisationId: number } | undefined {
  return db.select({ userId: deliveryImports.userId, organisationId: deliveryImports.organisationId }).from(deliveryImports).where(eq(deliveryImports.id, importId)).get();
}

/** The import record, with the lines refused while reading already counted and reported. */
export function createDeliveryImport(db: Db, user: SessionUser, fileName: string, parsed: ParsedImport): number {
  return db.transaction(() => {
    const at = now();
    const finished = parsed.rows.length === 0;
    const { id } = db
      .insert(deliveryImports)
      .values({
        userId: user.id,
        organisationId: parsed.organisationId,
        fileName,
        status: finished ? 'done' : 'processing',
        totalRows: parsed.totalRows,
        processedRows: parsed.refused.length,
        refused: parsed.refused.length,
        createdAt: at,
        updatedAt: at,
        finishedAt: finished ? at : null,
      })
      .returning({ id: deliveryImports.id })
      .get();
    const q = statements(db);
    for (const line of parsed.refused) for (const e of line.errors) q.report.run(id, line.line, line.key, 'refused', e.field, e.message, null);
    return id;
  });
}

const FOREIGN_AWARD = 'Attribution inconnue ou d’une autre organisation que celle de l’import';

/**
 * One chunk in one transaction. Each row goes through the delivery service as a batch of one,
 * nested (a savepoint): a refused row is rolled back alone and reported, the others are kept.
 */
export function recordImportChunk(db: Db, user: SessionUser, importId: number, organisationId: number, rows: ImportRow[], today = todayIso()): DeliveryResult[] {
  return db.transaction(() => {
    const q = statements(db);
    const owners = new Map<number, number | undefined>();
    const results: DeliveryResult[] = [];
    const counts = { accepted: 0, duplicates: 0, refused: 0 };
    for (const { line, input } of rows) {
      if (!owners.has(input.awardId)) owners.set(input.awardId, awardOwner(db, input.awardId));
      // The empreinte was computed with this organisation's id: another's award would not match it.
      if (owners.get(input.awardId) !== organisationId) {
        q.report.run(importId, line, input.idempotencyKey, 'refused', REPORT_COLUMNS.awardId, FOREIGN_AWARD, null);
        counts.refused += 1;
        continue;
      }
      try {
        const [result] = recordDeliveryBatch(db, user, [input], today);
        results.push(result!);
        const status = result!.replayed ? 'duplicate' : 'accepted';
        counts[status === 'duplicate' ? 'duplicates' : 'accepted'] += 1;
        q.report.run(importId, line, input.idempotencyKey, status, null, result!.replayed ? 'Déjà enregistrée avec cette clé : comptée une seule fois' : '', result!.delivery.id);
      } catch (error) {
        const cause = error instanceof TRPCError ? error.cause : undefined;
        const errors = cause instanceof RowErrors ? cause.rows : rowErrorsOf(error, 1);
        for (const e of errors) q.report.run(importId, line, input.idempotencyKey, 'refused', e.field ? (REPORT_COLUMNS[e.field as ImportField] ?? e.field) : null, e.message, null);
        counts.refused += 1;
      }
    }
    q.count.run(counts.accepted, counts.duplicates, counts.refused, counts.accepted, counts.duplicates, counts.refused, now(), importId);
    return results;
  });
}

function finish(db: Db, importId: number, status: Exclude<ImportStatus, 'processing'>): ImportProgress {
  const at = now();
  db.update(deliveryImports).set({ status, updatedAt: at, finishedAt: at }).where(eq(deliveryImports.id, importId)).run();
  return progressOf(importRow(db, importId)!);
}

export interface ImportHooks {
  /** After each committed chunk, with what it recorded (events are published from here). */
  onCommitted?: (results: DeliveryResult[]) => void;
  /** After each committed chunk and at the end: the counts so far. */
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting stops before the next chunk: committed chunks stay, the import is `interrupted`. */
  signal?: AbortSignal;
  chunkRows?: number;
}

/**
 * Writes an import's valid rows chunk by chunk, yielding to the event loop between chunks so
 * that other requests and sockets are served meanwhile. Resolves with the final progress.
 */
export async function runDeliveryImport(db: Db, user: SessionUser, importId: number, parsed: ParsedImport, hooks: ImportHooks = {}): Promise<ImportProgress> {
  const size = hooks.chunkRows ?? IMPORT_CHUNK_ROWS;
  await nextTurn(); // the caller answers first (the upload's 202)
  const start = progressOf(importRow(db, importId)!);
  if (!start.done) hooks.onProgress?.(start);
  try {
    for (let at = 0; at < parsed.rows.length; at += size) {
      if (hooks.signal?.aborted) {
        const stopped = finish(db, importId, 'interrupted');
        hooks.onProgress?.(stopped);
        return stopped;
      }
      const results = recordImportChunk(db, user, importId, parsed.organisationId, parsed.rows.slice(at, at + size));
      hooks.onCommitted?.(results);
      const progress = progressOf(importRow(db, importId)!);
      if (at + size < parsed.rows.length) hooks.onProgress?.(progress);
      await nextTurn();
    }
    const done = finish(db, importId, 'done');
    hooks.onProgress?.(done);
    return done;
  } catch (error) {
    const failed = finish(db, importId, 'failed');
    hooks.onProgress?.(failed);
    throw error;
  }
}

/** A whole file read and recorded at once (tests, scripts); the upload route runs the same steps, the last in the background. */
export async function importDeliveriesCsv(db: Db, user: SessionUser, organisationId: number, fileName: string, text: string, hooks: ImportHooks = {}): Promise<number> {
  const parsed = await parseDeliveryCsv(text, organisationId);
  const importId = createDeliveryImport(db, user, fileName, parsed);
  await runDeliveryImport(db, user, importId, parsed, hooks);
  return importId;
}

// ——— Reading ———

export interface ImportView extends ImportProgress {
  organisationId: number;
  fileName: string;
  createdAt: string;
  finishedAt: string | null;
}

export function getImport(db: Db, importId: number): ImportView {
  const row = importRow(db, importId)!;
  return { ...progressOf(row), organisationId: row.organisationId, fileName: row.fileName, createdAt: row.createdAt, finishedAt: row.finishedAt };
}

/** Lines of the report, refusals first then duplicates, in line order; at most `limit` of them. */
export function importProblems(db: Db, importId: number, limit = 200) {
  return db.$client
    .prepare<[number, number], { line: number; key: string | null; status: ImportRowStatus; field: string | null; message: string }>(
      `select line, idempotency_key as key, status, field, message from delivery_import_rows
       where import_id = ? and status <> 'accepted' order by status = 'duplicate', line, id limit ?`,
    )
    .all(importId, limit);
}

/** The full report as French CSV: line; key; status; column; reason. */
export function importReportCsv(db: Db, importId: number): { filename: string; content: string } {
  const rows = db
    .select({ line: deliveryImportRows.line, key: deliveryImportRows.idempotencyKey, status: deliveryImportRows.status, field: deliveryImportRows.field, message: deliveryImportRows.message })
    .from(deliveryImportRows)
    .where(eq(deliveryImportRows.importId, importId))
    .orderBy(asc(deliveryImportRows.line), asc(deliveryImportRows.id))
    .all();
  return {
    filename: `rapport-import-prestations-${importId}.csv`,
    content: toFrenchCsv(
      ['ligne', 'cle', 'statut', 'champ', 'message'],
      rows.map((r) => [r.line, r.key, ROW_STATUS_LABELS[r.status], r.field, r.message]),
    ),
  };
}
