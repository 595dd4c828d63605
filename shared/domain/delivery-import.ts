import { toFrenchCsv } from '../csv';
import { SERVICES, type ServiceName } from './services';

/**
 * The bulk delivery import (decision 0016): a French CSV (`;`, UTF-8 with or without BOM,
 * header row) of deliveries, one per line. These are the rules both ends share: the columns,
 * how a date, a service and a missing key are read, and how the browser pseudonymises the
 * person column before the file leaves it.
 */

export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** Rows written per transaction: big enough to be fast, small enough to keep the server responsive. */
export const IMPORT_CHUNK_ROWS = 500;

/** The columns the server reads, by the delivery field they fill. `cle` is optional. */
export const IMPORT_COLUMNS = {
  awardId: 'attribution',
  deliveredOn: 'date',
  service: 'service',
  quantity: 'quantite',
  beneficiaryRef: 'empreinte_personne',
  idempotencyKey: 'cle',
} as const;

/**
 * The column people fill in: their own reference for the person (a file number, never a name).
 * The import page replaces it with its SHA-256 empreinte in the browser, by the same rule as the
 * delivery form; the server refuses a file that still carries it.
 */
export const LOCAL_REFERENCE_COLUMN = 'reference_personne';

export type ImportField = keyof typeof IMPORT_COLUMNS;

/** The column a refusal is reported on: what the person wrote in their file. */
export const REPORT_COLUMNS: Record<ImportField, string> = { ...IMPORT_COLUMNS, beneficiaryRef: LOCAL_REFERENCE_COLUMN };

export const IMPORT_STATUSES = ['processing', 'done', 'interrupted', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const IMPORT_ROW_STATUSES = ['accepted', 'duplicate', 'refused'] as const;
export type ImportRowStatus = (typeof IMPORT_ROW_STATUSES)[number];

/** How the report CSV names each outcome. */
export const ROW_STATUS_LABELS: Record<ImportRowStatus, string> = { accepted: 'acceptée', duplicate: 'doublon', refused: 'refusée' };

/** A header cell as a column name: « Quantité » and « quantite » are the same column. */
export function columnName(cell: string): string {
  return cell
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** `AAAA-MM-JJ` as it is, `JJ/MM/AAAA` (or `J/M/AAAA`) turned to ISO; undefined for anything else. Validity is the schema's. */
export function isoDateOf(text: string): string | undefined {
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  return french ? `${french[3]}-${french[2]!.padStart(2, '0')}-${french[1]!.padStart(2, '0')}` : undefined;
}

const SERVICE_BY_LABEL = new Map(SERVICES.map((s) => [columnName(s), s]));

/** A service of the national vocabulary, by its label, whatever the case, accents or spacing. */
export function serviceOf(label: string): ServiceName | undefined {
  return (SERVICES as string[]).includes(label) ? (label as ServiceName) : SERVICE_BY_LABEL.get(columnName(label));
}

/** Keys derived by the server start with this, so a report tells them from the file's own. */
export const DERIVED_KEY_PREFIX = 'csv-';

/**
 * What a missing key is derived from (the server hashes it with SHA-256): the organisation, the
 * row's content once read (award, ISO date, service, quantity, empreinte) and the rank of that
 * content among identical rows of the file. A replayed file gives the same keys, so it adds
 * nothing; two identical rows of one file stay two deliveries; moving rows around changes nothing.
 */
export function derivedKeySource(
  organisationId: number,
  row: { awardId: number; deliveredOn: string; service: string; quantity: number; beneficiaryRef: string },
  occurrence: number,
): string {
  return ['aptic-import', organisationId, row.awardId, row.deliveredOn, row.service, row.quantity, row.beneficiaryRef, occurrence].join('|');
}

/** The template offered for download: the header and one example line to replace. */
export function importTemplate(): string {
  return toFrenchCsv(
    ['attribution', 'date', 'service', 'quantite', LOCAL_REFERENCE_COLUMN, 'cle'],
    [['123', '15/03/2026', SERVICES[1] ?? SERVICES[0], 1, 'dossier-0042', '']],
  );
}

interface Slice {
  start: number;
  end: number;
}

/**
 * The records of a `;`-separated text as raw slices of each field, read the way the server's
 * parser reads it (csv-parse with relaxed quotes): a quote opens a field only at its start,
 * `""` inside a quoted field is a quote, anything after the closing quote still belongs to it.
 */
function* rawRecords(text: string, from: number): Generator<Slice[]> {
  const n = text.length;
  let i = from;
  while (i < n) {
    const fields: Slice[] = [];
    for (;;) {
      const start = i;
      if (text[i] === '"') {
        i += 1;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote === -1) {
            i = n;
            break;
          }
          if (text[quote + 1] === '"') i = quote + 2;
          else {
            i = quote + 1;
            break;
          }
        }
      }
      while (i < n && text[i] !== ';' && text[i] !== '\n' && text[i] !== '\r') i += 1;
      fields.push({ start, end: i });
      if (text[i] !== ';') break;
      i += 1;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (i < n) i += 1;
    yield fields;
  }
}

/** A raw field's value: unquoted, trimmed. */
function valueOf(raw: string): string {
  const quoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"');
  return (quoted ? raw.slice(1, -1).replace(/""/g, '"') : raw).trim();
}

/**
 * Replaces the `reference_personne` column of a CSV text with `empreinte_personne`, each value by
 * `hash(value)` (an empty value stays empty, for the server to refuse on its line). Everything
 * else is kept byte for byte, line breaks included, so the server's line numbers are the file's.
 * A text without that column comes back unchanged.
 */
export async function pseudonymiseReferences(text: string, hash: (reference: string) => Promise<string>): Promise<{ text: string; replaced: number }> {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  const replacements: (Slice & { value: string; header?: true })[] = [];
  let column = -1;
  let header = true;
  for (const fields of rawRecords(text, bom)) {
    if (fields.length === 1 && fields[0]!.start === fields[0]!.end) continue; // an empty line
    if (header) {
      header = false;
      column = fields.findIndex((f) => columnName(valueOf(text.slice(f.start, f.end))) === LOCAL_REFERENCE_COLUMN);
      if (column === -1) return { text, replaced: 0 };
      replacements.push({ ...fields[column]!, value: IMPORT_COLUMNS.beneficiaryRef, header: true });
      continue;
    }
    const field = fields[column];
    if (field) replacements.push({ ...field, value: valueOf(text.slice(field.start, field.end)) });
  }

  const hashes = new Map<string, string>();
  for (const { value, header: isHeader } of replacements) if (!isHeader && value && !hashes.has(value)) hashes.set(value, await hash(value));

  const parts: string[] = [];
  let at = 0;
  for (const r of replacements) {
    parts.push(text.slice(at, r.start));
    const raw = text.slice(r.start, r.end);
    // A reference spread over several lines keeps them (inside quotes), so later line numbers hold.
    const breaks = raw.split('\n').length - 1;
    const value = r.header ? r.value : r.value ? hashes.get(r.value)! : '';
    parts.push(breaks ? `"${value}${'\n'.repeat(breaks)}"` : value);
    at = r.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), replaced: replacements.length - 1 };
}
