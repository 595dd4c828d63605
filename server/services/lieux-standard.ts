import {
  fromSchemaLieuDeMediationNumerique,
  Itinerance,
  ModaliteAccompagnement,
  ModelError,
  toSchemaLieuMediationNumerique,
  type SchemaLieuMediationNumerique,
} from '@gouvfr-anct/lieux-de-mediation-numerique';
import { parse } from 'csv-parse/sync';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { organisations, placeCommunes, places, placeStatusEvents, placeYearFigures } from '../../db/schema';
import { findCommune, type Commune } from '../../shared/domain/communes';
import type { PlaceMode } from '../../shared/domain/enums';
import type { EligibilityAnswers } from '../../shared/domain/qualification';
import { isValidSiret, normaliseSiret } from '../../shared/domain/siret';
import type { StandardFormat } from '../../shared/schemas/places';
import { ApplyPlaceInput, type ImportPlacesInput } from '../../shared/schemas/qualification';
import { fieldPath, forbidden, notFound, rowErrorsOf, RowErrors, type RowError } from '../errors';
import type { SessionUser } from './auth';
import { applyForPlace } from './qualification';

/**
 * Places in the national « schéma des lieux de médiation numérique » (decision 0014): the
 * open-data export of qualified places, and the import of such a file as applications. The
 * standard's rules are the ANCT library's own models and transfer helpers, never rewritten here.
 */

/** Every column of the standard, in the order of its published files. */
export const STANDARD_COLUMNS = [
  'id',
  'pivot',
  'nom',
  'commune',
  'code_postal',
  'code_insee',
  'adresse',
  'complement_adresse',
  'latitude',
  'longitude',
  'typologie',
  'telephone',
  'courriels',
  'site_web',
  'horaires',
  'presentation_resume',
  'presentation_detail',
  'source',
  'structure_parente',
  'date_maj',
  'services',
  'publics_specifiquement_adresses',
  'prise_en_charge_specifique',
  'frais_a_charge',
  'itinerance',
  'modalites_acces',
  'modalites_accompagnement',
  'fiche_acces_libre',
  'prise_rdv',
  'dispositif_programmes_nationaux',
  'formations_labels',
  'autres_formations_labels',
] as const satisfies readonly (keyof SchemaLieuMediationNumerique)[];

/**
 * What the standard has no field for, as extension columns (prefix `x_aptic_`, ignored by the
 * standard's consumers). Revenue is in the operator's copy only.
 */
export const EXTENSION_COLUMNS = {
  /** fixe | itinerant | domicile: the standard only knows « Fixe » and « Itinérant ». */
  mode: 'x_aptic_mode',
  /** INSEE codes of every commune served, `|`-separated: the standard has one address per place. */
  communes: 'x_aptic_communes_desservies',
  qualificationStatus: 'x_aptic_statut_qualification',
  /** First qualification date (YYYY-MM-DD), kept through suspensions. */
  qualificationDate: 'x_aptic_date_qualification',
  /** Services a year the place declared it can deliver. */
  capacity: 'x_aptic_capacite_annuelle',
  revenueYear: 'x_aptic_annee_chiffre_affaires',
  /** Revenue delivered so far this year, in integer cents. */
  revenueCents: 'x_aptic_chiffre_affaires_realise_centimes',
} as const;

const PUBLIC_EXTENSIONS = ['mode', 'communes', 'qualificationStatus', 'qualificationDate', 'capacity'] as const;
const OPERATOR_EXTENSIONS = [...PUBLIC_EXTENSIONS, 'revenueYear', 'revenueCents'] as const;

type ExtensionKey = keyof typeof EXTENSION_COLUMNS;
type ExtensionValues = { [K in (typeof EXTENSION_COLUMNS)[ExtensionKey]]?: string | number };
/** One place as the standard writes it, with our extension columns. */
export type StandardRow = SchemaLieuMediationNumerique & ExtensionValues;

const MODE_VALUES: Record<PlaceMode, string> = { fixed: 'fixe', itinerant: 'itinerant', home: 'domicile' };
const MODE_OF_VALUE = new Map(Object.entries(MODE_VALUES).map(([mode, value]) => [value, mode as PlaceMode]));
const SOURCE = 'Place de marché #APTIC';
/** The standard's pivot when an organisation has neither SIRET nor RNA. */
const NO_PIVOT = '00000000000000';

// The standard's own character sets for a commune's name and a street (its Adresse model):
// a few INSEE names (« Bors (Canton de Charente-Sud) ») and free-text addresses fall outside.
const COMMUNE_OUTSIDE = /[^A-Za-z\dÀ-ÖØ-öø-ÿœ-ŸŒ\-'’\s]+/gu;
const VOIE_OUTSIDE = /[^0-9A-Za-z\dÀ-ÖØ-öø-ÿœ-ŸŒ\-,()°.&:+–|;'’/\s]+/gu;
const fitTo = (text: string, outside: RegExp) => text.replace(outside, ' ').replace(/\s+/g, ' ').trim();

const dateOnly = (iso: string) => iso.slice(0, 10);

// ——— Export ———

export interface ExportOptions {
  /** The operator's copy: this year's revenue delivered, per place. */
  withRevenue: boolean;
  year?: number;
}

export interface StandardExport {
  rows: StandardRow[];
  /** Places the standard cannot express (its models refused them), with the reason. */
  skipped: { placeId: number; name: string; field: string | null; message: string }[];
}

/**
 * Every qualified place, one row each, checked by the standard's models on the way: the row is
 * read back by the library (`fromSchemaLieuDeMediationNumerique`) and written out by it
 * (`toSchemaLieuMediationNumerique`), so what leaves is what the standard accepts.
 */
export function exportQualifiedPlaces(db: Db, options: ExportOptions = { withRevenue: false }): StandardExport {
  const year = options.year ?? new Date().getFullYear();
  const found = db
    .select({ place: places, siret: organisations.siret, revenueCents: placeYearFigures.revenueDeliveredCents })
    .from(places)
    .innerJoin(organisations, eq(organisations.id, places.organisationId))
    .leftJoin(placeYearFigures, and(eq(placeYearFigures.placeId, places.id), eq(placeYearFigures.year, year)))
    .where(eq(places.status, 'qualified'))
    .orderBy(asc(places.id))
    .all();
  const ids = found.map((f) => f.place.id);
  const served = new Map<number, string[]>();
  const updated = new Map<number, string>();
  if (ids.length) {
    for (const c of db.select().from(placeCommunes).where(inArray(placeCommunes.placeId, ids)).orderBy(asc(placeCommunes.communeCode)).all()) {
      served.set(c.placeId, [...(served.get(c.placeId) ?? []), c.communeCode]);
    }
    const events = db
      .select({ placeId: placeStatusEvents.placeId, at: sql<string>`max(${placeStatusEvents.createdAt})` })
      .from(placeStatusEvents)
      .where(inArray(placeStatusEvents.placeId, ids))
      .groupBy(placeStatusEvents.placeId)
      .all();
    for (const e of events) updated.set(e.placeId, e.at);
  }

  const rows: StandardRow[] = [];
  const skipped: StandardExport['skipped'] = [];
  for (const { place, siret, revenueCents } of found) {
    const commune = findCommune(place.mainCommuneCode);
    const communeName = fitTo(commune?.nom ?? '', COMMUNE_OUTSIDE);
    // A place without a street (itinerant, at home) gives its commune: the standard requires an address.
    const voie = fitTo(place.address ?? '', VOIE_OUTSIDE) || communeName;
    const lastChange = [place.qualifiedAt ?? place.appliedAt, updated.get(place.id) ?? ''].sort().at(-1)!;
    const draft: SchemaLieuMediationNumerique = {
      id: `aptic-lieu-${place.id}`,
      pivot: siret ?? NO_PIVOT,
      nom: place.name,
      commune: communeName,
      code_postal: commune?.codesPostaux[0] ?? '',
      code_insee: place.mainCommuneCode,
      adresse: voie,
      services: place.services.join('|'),
      itinerance: place.mode === 'fixed' ? Itinerance.Fixe : Itinerance.Itinerant,
      ...(place.mode === 'home' ? { modalites_accompagnement: ModaliteAccompagnement.AccompagnementIndividuel } : {}),
      source: SOURCE,
      date_maj: dateOnly(lastChange),
    };
    let standard: SchemaLieuMediationNumerique;
    try {
      standard = toSchemaLieuMediationNumerique(fromSchemaLieuDeMediationNumerique(draft));
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      skipped.push({ placeId: place.id, name: place.name, field: columnOfModelKey(String(error.key)), message: error.message });
      continue;
    }
    const extensions: Record<ExtensionKey, string | number> = {
      mode: MODE_VALUES[place.mode],
      communes: (served.get(place.id) ?? [place.mainCommuneCode]).join('|'),
      qualificationStatus: 'qualifié',
      qualificationDate: place.qualifiedAt ? dateOnly(place.qualifiedAt) : '',
      capacity: place.yearlyCapacity,
      revenueYear: year,
      revenueCents: revenueCents ?? 0,
    };
    const wanted = options.withRevenue ? OPERATOR_EXTENSIONS : PUBLIC_EXTENSIONS;
    rows.push({ ...standard, ...Object.fromEntries(wanted.map((key) => [EXTENSION_COLUMNS[key], extensions[key]])) });
  }
  return { rows, skipped };
}

/** The standard's JSON: an array of flat objects, multi-valued fields joined with `|`. */
export function toStandardJson(rows: readonly StandardRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",;\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The standard's CSV as its published files write it: comma-separated, UTF-8 without byte order
 * mark, RFC 4180 quoting, every column of the standard then the extension columns present. Not
 * our French CSV (`;`, decimal comma): this file is for the standard's tools. Values are written
 * as they are — a spreadsheet-formula guard would alter the open data.
 */
export function toStandardCsv(rows: readonly StandardRow[]): string {
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  const columns: string[] = [...STANDARD_COLUMNS, ...Object.values(EXTENSION_COLUMNS).filter((c) => present.has(c))];
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell((row as Record<string, unknown>)[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** The export as a file to download. */
export function standardFile(db: Db, format: StandardFormat, options: ExportOptions = { withRevenue: false }) {
  const { rows, skipped } = exportQualifiedPlaces(db, options);
  const date = new Date().toISOString().slice(0, 10);
  const name = options.withRevenue ? 'lieux-qualifies-aptic-operateur' : 'lieux-qualifies-aptic';
  return {
    filename: `${name}-${date}.${format}`,
    content: format === 'json' ? toStandardJson(rows) : toStandardCsv(rows),
    places: rows.length,
    skipped,
  };
}

// ——— Import ———

export const MAX_IMPORT_ROWS = 1_000;

/** One row of an imported file: its line (CSV) or position (JSON), and its non-empty cells. */
export interface StandardInputRow {
  row: number;
  values: Record<string, string>;
}

export interface ParsedFile {
  rows: StandardInputRow[];
  /** Refusals of the file as a whole (row 0) or of a row's shape. */
  errors: RowError[];
}

const fileError = (message: string, row = 0): RowError => ({ row, field: null, message });

function cellText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Some producers write multi-valued fields as arrays in JSON: the standard joins them with `|`.
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join('|') || undefined;
  return undefined;
}

function parseJson(text: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { rows: [], errors: [fileError('Fichier JSON illisible : le contenu n’est pas du JSON valide')] };
  }
  if (!Array.isArray(data)) return { rows: [], errors: [fileError('Le fichier JSON doit contenir un tableau de lieux')] };
  const rows: StandardInputRow[] = [];
  const errors: RowError[] = [];
  data.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push(fileError('Chaque lieu doit être un objet', index + 1));
      return;
    }
    const values: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of Object.entries(item)) {
      const text = cellText(value);
      if (text !== undefined) values[key.trim()] = text;
      else if (value !== null && value !== undefined && value !== '' && typeof value === 'object') {
        errors.push({ row: index + 1, field: key, message: 'Valeur texte attendue (plusieurs valeurs séparées par |)' });
      }
    }
    rows.push({ row: index + 1, values });
  });
  return { rows, errors };
}

const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'guillemet non fermé',
  CSV_INVALID_CLOSING_QUOTE: 'guillemet fermant mal placé',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'caractère inattendu après un guillemet fermant',
};

function parseCsv(text: string): ParsedFile {
  // The standard's files use commas; a file saved again by a French spreadsheet uses semicolons.
  const header = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof records;
  } catch (error) {
    const { code, lines } = error as { code?: string; lines?: number };
    return { rows: [], errors: [fileError(`Fichier CSV illisible${lines ? ` vers la ligne ${lines}` : ''} : ${CSV_ERRORS[code ?? ''] ?? 'structure invalide'}`)] };
  }
  const [head, ...body] = records;
  if (!head) return { rows: [], errors: [] };
  const columns = head.record.map((c) => c.trim());
  const rows: StandardInputRow[] = [];
  const errors: RowError[] = [];
  for (const { record, info } of body) {
    if (record.length !== columns.length) {
      errors.push(fileError(`${record.length} colonne(s) au lieu des ${columns.length} de l’en-tête`, info.lines));
      continue;
    }
    const values: Record<string, string> = Object.create(null) as Record<string, string>;
    columns.forEach((column, i) => {
      const text = cellText(record[i]);
      if (column && text !== undefined) values[column] = text;
    });
    rows.push({ row: info.lines, values });
  }
  return { rows, errors };
}

/** Reads a file in the standard: rows numbered by their CSV line (the header is line 1) or JSON position. */
export function parseStandardFile(text: string, format: StandardFormat): ParsedFile {
  const parsed = format === 'json' ? parseJson(text.replace(/^\uFEFF/, '')) : parseCsv(text);
  if (parsed.errors.length === 0 && parsed.rows.length === 0) return { rows: [], errors: [fileError('Le fichier ne contient aucun lieu')] };
  if (parsed.rows.length > MAX_IMPORT_ROWS) return { rows: [], errors: [fileError(`${MAX_IMPORT_ROWS} lieux au plus par fichier (${parsed.rows.length} lus)`)] };
  return parsed;
}

/** The standard's model keys that are not its column names. */
function columnOfModelKey(key: string): string {
  return key === 'voie' ? 'adresse' : key === 'siret' ? 'pivot' : key;
}

/** Where an application's field comes from in the file. */
const COLUMN_OF_FIELD: Record<string, string> = {
  siret: 'pivot',
  name: 'nom',
  mode: EXTENSION_COLUMNS.mode,
  mainCommuneCode: 'code_insee',
  communeCodes: EXTENSION_COLUMNS.communes,
  address: 'adresse',
  services: 'services',
  yearlyCapacity: EXTENSION_COLUMNS.capacity,
};
const columnOfField = (field: string | null) => (field === null ? null : (COLUMN_OF_FIELD[field.split('.')[0]!] ?? field));

/** The standard's row as its library reads it: numbers where it expects numbers. */
function asSchemaRow(values: Record<string, string>): SchemaLieuMediationNumerique {
  const row: Record<string, string | number> = { ...values };
  for (const key of ['latitude', 'longitude']) if (values[key] !== undefined) row[key] = Number(values[key].replace(',', '.'));
  return row as unknown as SchemaLieuMediationNumerique;
}

/** The standard's mandatory fields, and values its models accept, to check the rest of a row without them. */
const REQUIRED_COLUMNS = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj'] as const;
const STAND_INS: Record<(typeof REQUIRED_COLUMNS)[number], string> = {
  id: 'absent',
  pivot: NO_PIVOT,
  nom: 'absent',
  commune: 'absent',
  code_postal: '00000',
  adresse: 'absent',
  date_maj: '2000-01-01',
};

const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr');
const splitList = (value: string | undefined) => (value ?? '').split('|').map((v) => v.trim()).filter(Boolean);

interface Declaration {
  legalRepresentative: string;
  eligibility: EligibilityAnswers;
  yearlyCapacity?: number;
}

type Candidate = { row: number; name: string; input: ApplyPlaceInput & { communeCodes: string[] } };

/** A row's refusals, one per field: the first reason found for a field is the one to fix first. */
class RowReport {
  readonly errors: RowError[] = [];
  constructor(readonly row: number) {}
  add(field: string | null, message: string) {
    if (!this.errors.some((e) => e.field === field)) this.errors.push({ row: this.row, field, message });
  }
  has(field: string) {
    return this.errors.some((e) => e.field === field);
  }
}

function modeOf(values: Record<string, string>, report: RowReport): PlaceMode | undefined {
  const declared = values[EXTENSION_COLUMNS.mode];
  if (declared !== undefined) {
    const mode = MODE_OF_VALUE.get(declared.toLowerCase());
    if (!mode) report.add(EXTENSION_COLUMNS.mode, `Mode inconnu « ${declared} » : fixe, itinerant ou domicile`);
    return mode;
  }
  return splitList(values.itinerance).includes(Itinerance.Itinerant) ? 'itinerant' : 'fixed';
}

function capacityOf(values: Record<string, string>, declaration: Declaration, report: RowReport): number | undefined {
  const text = values[EXTENSION_COLUMNS.capacity];
  if (text === undefined) {
    if (declaration.yearlyCapacity === undefined) {
      report.add(EXTENSION_COLUMNS.capacity, 'Capacité annuelle inconnue : renseignez cette colonne ou une capacité pour tout le fichier');
    }
    return declaration.yearlyCapacity;
  }
  if (!/^\d+$/.test(text)) {
    report.add(EXTENSION_COLUMNS.capacity, 'Capacité annuelle : un nombre entier de services par an est attendu');
    return undefined;
  }
  return Number(text);
}

/**
 * A row checked against the standard (its library's models), then against what an application
 * needs (the same schema as the form) and the INSEE geography.
 */
function checkRow(input: StandardInputRow, declaration: Declaration, organisationId: number): { candidate?: Candidate; errors: RowError[] } {
  const { values } = input;
  const report = new RowReport(input.row);
  // A missing mandatory value is said plainly; the library would name it « undefined », or fail
  // outright on a missing street. A stand-in lets its models check the row's other fields.
  const present = { ...values };
  for (const column of REQUIRED_COLUMNS) {
    if (values[column] !== undefined) continue;
    report.add(column, 'Champ obligatoire du standard, absent ou vide');
    present[column] = STAND_INS[column];
  }
  try {
    fromSchemaLieuDeMediationNumerique(asSchemaRow(present));
  } catch (error) {
    if (error instanceof ModelError) report.add(columnOfModelKey(String(error.key)), error.message);
    else report.add(null, 'Ligne illisible selon le standard des lieux de médiation numérique');
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(values.date_maj ?? '') || Number.isNaN(Date.parse(values.date_maj!.slice(0, 10)))) {
    report.add('date_maj', 'Date de mise à jour requise, au format AAAA-MM-JJ');
  }

  const siret = normaliseSiret(values.pivot ?? '');
  if (!report.has('pivot') && !isValidSiret(siret)) {
    report.add('pivot', 'Le pivot doit être le SIRET de votre organisation : 14 chiffres avec une clé de contrôle correcte');
  }
  let commune: Commune | undefined;
  if (!values.code_insee) report.add('code_insee', 'Code INSEE de la commune requis');
  else if (!report.has('code_insee')) {
    commune = findCommune(values.code_insee);
    if (!commune) report.add('code_insee', `Commune inconnue du code officiel géographique : ${values.code_insee}`);
  }
  if (commune && values.code_postal && !report.has('code_postal') && !commune.codesPostaux.includes(values.code_postal)) {
    report.add('code_postal', `Le code postal ${values.code_postal} n’est pas celui de ${commune.nom} (${commune.code})`);
  }
  if (!values.services) report.add('services', 'Au moins un service du référentiel national');
  const served = splitList(values[EXTENSION_COLUMNS.communes]);
  const unknown = served.filter((code) => !findCommune(code));
  if (unknown.length) report.add(EXTENSION_COLUMNS.communes, `Commune(s) inconnue(s) du code officiel géographique : ${unknown.join(', ')}`);

  const mode = modeOf(values, report);
  const yearlyCapacity = capacityOf(values, declaration, report);
  const address = values.adresse;
  const candidate = {
    organisationId,
    siret,
    name: values.nom ?? '',
    mode: mode ?? 'fixed',
    mainCommuneCode: values.code_insee ?? '',
    communeCodes: served.filter((code) => code !== values.code_insee),
    // The commune's name stands for the street of a place without one (see the export).
    address: mode !== 'fixed' && commune && address && nameKey(address) === nameKey(fitTo(commune.nom, COMMUNE_OUTSIDE)) ? undefined : address,
    services: splitList(values.services),
    yearlyCapacity: yearlyCapacity ?? 1,
    legalRepresentative: declaration.legalRepresentative,
    eligibility: declaration.eligibility,
  };
  const parsed = ApplyPlaceInput.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = columnOfField(fieldPath(issue.path));
      if (field === 'mode' && mode === undefined) continue;
      report.add(field, issue.message);
    }
  }
  if (report.errors.length || !parsed.success) return { errors: report.errors };
  return { candidate: { row: input.row, name: parsed.data.name, input: { ...parsed.data, communeCodes: parsed.data.communeCodes } }, errors: [] };
}

function actorOrganisation(db: Db, organisationId: number) {
  const organisation = db.select().from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!organisation) throw notFound('Organisation');
  if (organisation.kind !== 'actor') throw forbidden('Seul un acteur de la médiation numérique peut candidater pour un lieu');
  return organisation;
}

export interface ImportReport {
  /** Rows read from the file. */
  rows: number;
  /** Applications made, in the file's order. */
  created: { row: number; placeId: number; name: string }[];
  /** Rows naming a place the organisation already has (same SIRET and name): nothing done. */
  alreadyKnown: { row: number; placeId: number; name: string }[];
  /** Every refusal; when there is one, nothing at all was written. */
  errors: RowError[];
}

/**
 * Applications for the places of a file, all or nothing: every row is checked and reported; if
 * one is refused, nothing is written. A place the organisation already has under the same SIRET
 * and name is left alone, so importing the same file again adds nothing.
 */
export function importPlaces(db: Db, user: SessionUser, organisationId: number, rows: readonly StandardInputRow[], declaration: Declaration, now = new Date()): ImportReport {
  const organisation = actorOrganisation(db, organisationId);

  const existing = new Map(
    db
      .select({ id: places.id, name: places.name })
      .from(places)
      .where(eq(places.organisationId, organisationId))
      .all()
      .map((p) => [nameKey(p.name), p.id]),
  );
  const errors: RowError[] = [];
  const candidates: Candidate[] = [];
  const alreadyKnown: ImportReport['alreadyKnown'] = [];
  const seen = new Map<string, number>();
  // The organisation's SIRET, or for one that has none yet, the file's first one: an actor applies with its own.
  let expectedSiret = organisation.siret;
  for (const input of rows) {
    const { candidate, errors: rowErrors } = checkRow(input, declaration, organisationId);
    errors.push(...rowErrors);
    if (!candidate) continue;
    const { siret, name } = candidate.input;
    expectedSiret ??= siret;
    if (siret !== expectedSiret) {
      errors.push({ row: input.row, field: 'pivot', message: organisation.siret ? 'Ce SIRET n’est pas celui de votre organisation' : 'Tous les lieux du fichier doivent avoir le SIRET de votre organisation' });
      continue;
    }
    const key = nameKey(name);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({ row: input.row, field: 'nom', message: `Lieu déjà présent dans le fichier (ligne ${earlier})` });
      continue;
    }
    seen.set(key, input.row);
    const known = existing.get(key);
    if (known !== undefined) alreadyKnown.push({ row: input.row, placeId: known, name });
    else candidates.push(candidate);
  }
  if (!organisation.siret && expectedSiret) {
    const taken = db.select({ id: organisations.id }).from(organisations).where(eq(organisations.siret, expectedSiret)).get();
    if (taken) for (const c of candidates) errors.push({ row: c.row, field: 'pivot', message: 'Ce SIRET appartient déjà à une autre organisation' });
  }
  const report = (created: ImportReport['created'], refusals: RowError[]): ImportReport => ({
    rows: rows.length,
    created,
    alreadyKnown: refusals.length ? [] : alreadyKnown,
    errors: refusals.sort((a, b) => a.row - b.row),
  });
  if (errors.length) return report([], errors);

  try {
    const created = db.transaction(() => {
      const made: ImportReport['created'] = [];
      const refused: RowError[] = [];
      for (const c of candidates) {
        try {
          made.push({ row: c.row, placeId: applyForPlace(db, c.input, user.id, now), name: c.name });
        } catch (error) {
          refused.push(...rowErrorsOf(error, c.row).map((e) => ({ ...e, field: columnOfField(e.field) })));
        }
      }
      if (refused.length) throw new RowErrors(refused); // rolls every application back
      return made;
    });
    return report(created, []);
  } catch (error) {
    if (error instanceof RowErrors) return report([], [...error.rows]);
    throw error;
  }
}

/** The import procedure's work: read the file, then apply for its places (or say why not). */
export function importStandardFile(db: Db, user: SessionUser, input: ImportPlacesInput, now = new Date()): ImportReport {
  actorOrganisation(db, input.organisationId);
  const file = parseStandardFile(input.content, input.format);
  const declaration = { legalRepresentative: input.legalRepresentative, eligibility: input.eligibility, yearlyCapacity: input.yearlyCapacity };
  if (file.errors.length) {
    // The rows that could be read are still checked, so one answer lists every refusal.
    const checked = file.rows.flatMap((row) => checkRow(row, declaration, input.organisationId).errors);
    const errors = [...file.errors, ...checked].filter((e, i, all) => e.field === null || all.findIndex((o) => o.row === e.row && o.field === e.field) === i);
    return { rows: file.rows.length, created: [], alreadyKnown: [], errors: errors.sort((a, b) => a.row - b.row) };
  }
  return importPlaces(db, user, input.organisationId, file.rows, declaration, now);
}
