import {
  fromSchemaLieuxDeMediationNumerique,
  Service,
  toSchemaLieuxDeMediationNumerique,
  type SchemaLieuMediationNumerique,
} from '@gouvfr-anct/lieux-de-mediation-numerique';
import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/client';
import { organisations, placeCommunes, places } from '../../../db/schema';
import { seedDemo } from '../../../db/seed/demo';
import {
  EXTENSION_COLUMNS,
  exportQualifiedPlaces,
  parseStandardFile,
  STANDARD_COLUMNS,
  toStandardCsv,
  type StandardRow,
} from '../../../server/services/lieux-standard';
import { SERVICES } from '../../../shared/domain/services';
import { ELIGIBILITY_CRITERIA, type EligibilityAnswers } from '../../../shared/domain/qualification';
import type { ApplyPlaceInput } from '../../../shared/schemas/qualification';
import { makeMember, makePlace, makeSiret } from '../../factories';
import { createTestApp, type TestApp } from '../../setup/app';
import { createTestDb } from '../../setup/db';
import { sessionFor, snapshot } from '../marketplace/helpers';

type Api = ReturnType<TestApp['client']>['api'];

const YES = Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, true])) as EligibilityAnswers;
const declaration = { legalRepresentative: 'Présidente', eligibility: YES };

/** The standard's own fields of a row, without our extension columns. */
const standardPart = (row: StandardRow) => Object.fromEntries(Object.entries(row).filter(([key]) => !key.startsWith('x_aptic_'))) as SchemaLieuMediationNumerique;

/** Everything that makes a place the same place, from the database. */
function placesOf(db: Db, organisationId: number) {
  const siret = db.select({ siret: organisations.siret }).from(organisations).where(eq(organisations.id, organisationId)).get()!.siret;
  return db
    .select()
    .from(places)
    .where(eq(places.organisationId, organisationId))
    .orderBy(asc(places.name))
    .all()
    .map((p) => ({
      name: p.name,
      siret,
      address: p.address,
      mainCommuneCode: p.mainCommuneCode,
      communes: db
        .select({ code: placeCommunes.communeCode })
        .from(placeCommunes)
        .where(eq(placeCommunes.placeId, p.id))
        .orderBy(asc(placeCommunes.communeCode))
        .all()
        .map((c) => c.code),
      services: [...p.services].sort(),
      mode: p.mode,
      yearlyCapacity: p.yearlyCapacity,
    }));
}

describe('the export of the demo’s qualified places', () => {
  let db: Db;
  let qualified: number;
  beforeAll(async () => {
    db = createTestDb();
    await seedDemo(db);
    qualified = db.select().from(places).where(eq(places.status, 'qualified')).all().length;
  }, 60_000);

  it('has one row per qualified place and none the standard refuses', () => {
    const { rows, skipped } = exportQualifiedPlaces(db);

    expect({ rows: rows.length, skipped }).toEqual({ rows: qualified, skipped: [] });
    expect(new Set(rows.map((r) => r.id)).size).toBe(qualified);
  });

  it('is read by the standard’s library without a refusal, and written back by it unchanged', () => {
    const standard = exportQualifiedPlaces(db).rows.map(standardPart);

    const lieux = fromSchemaLieuxDeMediationNumerique(standard);

    expect(toSchemaLieuxDeMediationNumerique(lieux)).toEqual(standard);
  });

  it('separates multiple values with | and uses only the national services vocabulary', () => {
    const { rows } = exportQualifiedPlaces(db);

    for (const row of rows) {
      expect(row.services!.split('|').every((s) => (SERVICES as string[]).includes(s))).toBe(true);
      expect(row[EXTENSION_COLUMNS.communes]!.toString().split('|')).toContain(row.code_insee);
    }
    expect(rows.some((r) => r.services!.includes('|'))).toBe(true);
    expect(new Set(rows.map((r) => r.itinerance))).toEqual(new Set(['Fixe', 'Itinérant']));
  });

  it('keeps money out of the open data and puts this year’s revenue in the operator’s copy only', () => {
    const open = exportQualifiedPlaces(db).rows;
    const operator = exportQualifiedPlaces(db, { withRevenue: true }).rows;

    expect(Object.keys(open[0]!).filter((k) => k.includes('chiffre_affaires'))).toEqual([]);
    expect(operator.every((r) => Number.isSafeInteger(r[EXTENSION_COLUMNS.revenueCents]))).toBe(true);
    expect(operator.some((r) => Number(r[EXTENSION_COLUMNS.revenueCents]) > 0)).toBe(true);
    expect(operator.map(standardPart)).toEqual(open.map(standardPart));
  });

  it('writes a comma-separated CSV, the standard’s columns first, that reads back to the same rows', () => {
    const { rows } = exportQualifiedPlaces(db);

    const csv = toStandardCsv(rows);
    const parsed = parseStandardFile(csv, 'csv');

    const header = csv.slice(0, csv.indexOf('\r\n')).split(',');
    expect(header.slice(0, STANDARD_COLUMNS.length)).toEqual([...STANDARD_COLUMNS]);
    expect(header.slice(STANDARD_COLUMNS.length).every((c) => c.startsWith('x_aptic_'))).toBe(true);
    expect(csv.charCodeAt(0)).not.toBe(0xfeff);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((r) => ({ ...r.values }))).toEqual(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))));
    expect(parsed.rows.map((r) => r.row)).toEqual(rows.map((_, i) => i + 2));
  });
});

describe('the round trip: export → import into an empty database', () => {
  let source: TestApp;
  let sourceActor: number;
  let sourceSiret: string;

  beforeAll(async () => {
    source = createTestApp();
    const actor = await makeMember(source.db, 'actor', { name: 'Association Ty Numérik' });
    const operator = await makeMember(source.db, 'operator');
    const rival = await makeMember(source.db, 'actor', { name: 'Coopérative Les Liens' });
    sourceActor = actor.organisationId;
    sourceSiret = source.db.select().from(organisations).where(eq(organisations.id, actor.organisationId)).get()!.siret!;
    const as = sessionFor(source, actor.user.id).api;
    const application = (fields: Partial<ApplyPlaceInput>): ApplyPlaceInput => ({
      organisationId: actor.organisationId,
      siret: sourceSiret,
      name: 'Lieu',
      mode: 'fixed',
      mainCommuneCode: '29232',
      services: [Service.AideAuxDemarchesAdministratives],
      yearlyCapacity: 1_800,
      legalRepresentative: 'Présidente',
      eligibility: YES,
      ...fields,
    });
    const applied = [
      await as.qualification.submitApplication.mutate(
        application({ name: 'Espace numérique de Kerfeunteun', address: '12, rue de Kerfeunteun (bât. B)', services: [Service.AideAuxDemarchesAdministratives, Service.UtilisationSecuriseeDuNumerique] }),
      ),
      await as.qualification.submitApplication.mutate(
        application({ name: 'Bus numérique du Cap Sizun', mode: 'itinerant', mainCommuneCode: '29003', communeCodes: ['29028', '29168', '29228'], yearlyCapacity: 2_400 }),
      ),
      await as.qualification.submitApplication.mutate(
        application({ name: 'Ty Numérik à domicile', mode: 'home', mainCommuneCode: '29020', communeCodes: ['29048'], services: [Service.MaitriseDesOutilsNumeriquesDuQuotidien], yearlyCapacity: 900 }),
      ),
      await as.qualification.submitApplication.mutate(application({ name: 'Point numérique « Le Relais » ; Brest', mainCommuneCode: '29019', address: '3 place de la Liberté' })),
    ];
    const operatorApi = sessionFor(source, operator.user.id).api;
    for (const place of applied) await operatorApi.qualification.decide.mutate({ placeId: place.id, decision: 'qualify', reason: 'Dossier complet' });
    // Another actor's qualified place is in the export too; it is not the importing actor's.
    const rivalPlace = await sessionFor(source, rival.user.id).api.qualification.submitApplication.mutate(
      application({ organisationId: rival.organisationId, siret: source.db.select().from(organisations).where(eq(organisations.id, rival.organisationId)).get()!.siret!, name: 'Cyber-base de Brest', mainCommuneCode: '29019', address: '1 rue de Siam' }),
    );
    await operatorApi.qualification.decide.mutate({ placeId: rivalPlace.id, decision: 'qualify', reason: 'Dossier complet' });
  });

  /** A new database with one actor that has no SIRET yet, as right after its account was made. */
  async function emptyDatabase() {
    const target = createTestApp();
    const actor = await makeMember(target.db, 'actor', { name: 'Association Ty Numérik', siret: null });
    return { target, organisationId: actor.organisationId, api: sessionFor(target, actor.user.id).api as Api };
  }

  /** The exported file, keeping the actor's own places only: an actor applies for its own. */
  async function exportedFile(format: 'json' | 'csv') {
    const anonymous = source.client().api;
    const file = format === 'json' ? await anonymous.lieux.exportJson.query() : await anonymous.lieux.exportCsv.query();
    if (format === 'json') {
      const rows = (JSON.parse(file.content) as StandardRow[]).filter((r) => r.pivot === sourceSiret);
      return JSON.stringify(rows);
    }
    const [header, ...lines] = file.content.trimEnd().split('\r\n');
    return [header, ...lines.filter((line) => line.includes(`,${sourceSiret},`))].join('\r\n');
  }

  it.each(['csv', 'json'] as const)('brings back the same places from the %s export, as applications of the new organisation', async (format) => {
    const { target, organisationId, api } = await emptyDatabase();
    const content = await exportedFile(format);

    const report = await api.lieux.importFile.mutate({ organisationId, format, content, ...declaration });

    expect(report.errors).toEqual([]);
    expect(report.created.map((c) => c.name).sort()).toEqual(placesOf(source.db, sourceActor).map((p) => p.name));
    expect(placesOf(target.db, organisationId)).toEqual(placesOf(source.db, sourceActor));
    expect(target.db.select({ status: places.status }).from(places).all().every((p) => p.status === 'applied')).toBe(true);
  });

  it('adds nothing when the same file is imported again', async () => {
    const { target, organisationId, api } = await emptyDatabase();
    const content = await exportedFile('csv');
    const first = await api.lieux.importFile.mutate({ organisationId, format: 'csv', content, ...declaration });
    const before = snapshot(target.db);

    const again = await api.lieux.importFile.mutate({ organisationId, format: 'csv', content, ...declaration });

    expect(again).toEqual({ rows: 4, created: [], alreadyKnown: first.created, errors: [] });
    expect(snapshot(target.db)).toEqual(before);
  });

  it('refuses a place of another SIRET than the organisation’s, and writes nothing', async () => {
    const { target, organisationId, api } = await emptyDatabase();
    const anonymous = source.client().api;
    const whole = (await anonymous.lieux.exportCsv.query()).content;
    const before = snapshot(target.db);

    const report = await api.lieux.importFile.mutate({ organisationId, format: 'csv', content: whole, ...declaration });

    expect(report.created).toEqual([]);
    expect(report.errors).toEqual([{ row: 6, field: 'pivot', message: 'Tous les lieux du fichier doivent avoir le SIRET de votre organisation' }]);
    expect(snapshot(target.db)).toEqual(before);
  });
});

describe('an import with invalid rows', () => {
  let testApp: TestApp;
  let organisationId: number;
  let siret: string;
  let api: Api;
  beforeAll(async () => {
    testApp = createTestApp();
    const actor = await makeMember(testApp.db, 'actor', { name: 'Association Pixel Solidaire' });
    organisationId = actor.organisationId;
    siret = testApp.db.select().from(organisations).where(eq(organisations.id, organisationId)).get()!.siret!;
    api = sessionFor(testApp, actor.user.id).api;
  });

  const header = 'id,pivot,nom,commune,code_postal,code_insee,adresse,date_maj,services,itinerance,x_aptic_capacite_annuelle';
  const line = (fields: Partial<Record<string, string>>) => {
    const row: Record<string, string | undefined> = { id: 'l1', pivot: siret, nom: 'Médiathèque de Brest', commune: 'Brest', code_postal: '29200', code_insee: '29019', adresse: '1 rue de Siam', date_maj: '2026-01-15', services: Service.AideAuxDemarchesAdministratives, itinerance: 'Fixe', x_aptic_capacite_annuelle: '1500', ...fields };
    return header.split(',').map((c) => (row[c]?.includes(',') ? `"${row[c]}"` : (row[c] ?? ''))).join(',');
  };

  it('reports every refused row with its line, field and a French reason, and writes nothing', async () => {
    const content = [
      header,
      line({ nom: 'Médiathèque de Brest' }),
      line({ id: 'l2', nom: 'Espace du Relecq', pivot: '12345678901234' }),
      line({ id: 'l3', nom: 'Espace de Plouzané', code_insee: '29999' }),
      line({ id: 'l4', nom: 'Espace de Guipavas', services: 'Cours de cuisine' }),
      line({ id: 'l5', nom: 'Bus du Léon', itinerance: 'Itinérant' }),
      line({ id: 'l6', nom: '' }),
      line({ id: 'l7', nom: 'Espace de Quimper', code_insee: '29232', code_postal: '29200', commune: 'Quimper' }),
      line({ id: 'l8', nom: 'Espace de Morlaix', x_aptic_capacite_annuelle: 'beaucoup' }),
      line({ id: 'l9', nom: 'Espace de Landivisiau', adresse: '', itinerance: 'Mobile' }),
    ].join('\n');
    const before = snapshot(testApp.db);

    const report = await api.lieux.importFile.mutate({ organisationId, format: 'csv', content, ...declaration });

    expect(report).toEqual({
      rows: 9,
      created: [],
      alreadyKnown: [],
      errors: [
        { row: 3, field: 'pivot', message: 'Le pivot doit être le SIRET de votre organisation : 14 chiffres avec une clé de contrôle correcte' },
        { row: 4, field: 'code_insee', message: 'Commune inconnue du code officiel géographique : 29999' },
        { row: 5, field: 'services', message: "Le service 'Cours de cuisine' n'est pas une valeur admise" },
        { row: 6, field: 'x_aptic_communes_desservies', message: 'Un lieu itinérant dessert au moins deux communes' },
        { row: 7, field: 'nom', message: 'Champ obligatoire du standard, absent ou vide' },
        { row: 8, field: 'code_postal', message: 'Le code postal 29200 n’est pas celui de Quimper (29232)' },
        { row: 9, field: 'x_aptic_capacite_annuelle', message: 'Capacité annuelle : un nombre entier de services par an est attendu' },
        { row: 10, field: 'adresse', message: 'Champ obligatoire du standard, absent ou vide' },
        { row: 10, field: 'itinerance', message: "'Mobile' n'est pas une valeur d'itinérance admise" },
      ],
    });
    expect(snapshot(testApp.db)).toEqual(before);
  });

  it('reports a JSON file by the position of each place, and an unreadable file as a whole', async () => {
    const good = parseStandardFile(`${header}\n${line({})}`, 'csv').rows[0]!.values;
    const json = JSON.stringify([{ ...good }, { ...good, nom: 'Autre lieu', code_postal: '2920' }, 'pas un lieu']);

    const report = await api.lieux.importFile.mutate({ organisationId, format: 'json', content: json, ...declaration });
    const unreadable = await api.lieux.importFile.mutate({ organisationId, format: 'json', content: '{"lieux": ', ...declaration });

    expect(report.errors).toEqual([
      { row: 2, field: 'code_postal', message: "Le code postal 2920 n'est pas valide" },
      { row: 3, field: null, message: 'Chaque lieu doit être un objet' },
    ]);
    expect(unreadable).toEqual({ rows: 0, created: [], alreadyKnown: [], errors: [{ row: 0, field: null, message: 'Fichier JSON illisible : le contenu n’est pas du JSON valide' }] });
    expect(testApp.db.select().from(places).all()).toEqual([]);
  });

  it('asks for a capacity when neither the row nor the declaration gives one, and takes the declared one otherwise', async () => {
    const content = `${header.replace(',x_aptic_capacite_annuelle', '')}\n${line({}).replace(/,1500$/, '')}`;

    const missing = await api.lieux.importFile.mutate({ organisationId, format: 'csv', content, ...declaration });
    const declared = await api.lieux.importFile.mutate({ organisationId, format: 'csv', content, ...declaration, yearlyCapacity: 1_700 });

    expect(missing.errors).toEqual([{ row: 2, field: 'x_aptic_capacite_annuelle', message: 'Capacité annuelle inconnue : renseignez cette colonne ou une capacité pour tout le fichier' }]);
    expect(declared.errors).toEqual([]);
    expect(testApp.db.select({ name: places.name, capacity: places.yearlyCapacity, siret: organisations.siret }).from(places).innerJoin(organisations, eq(organisations.id, places.organisationId)).all()).toEqual([
      { name: 'Médiathèque de Brest', capacity: 1_700, siret },
    ]);
  });

  it('reads a file saved again by a French spreadsheet, with semicolons', async () => {
    const content = [header, line({ id: 'l9', nom: 'Tiers-lieu de Landerneau', code_insee: '29103', code_postal: '29800', commune: 'Landerneau' })]
      .map((l) => l.replaceAll(',', ';'))
      .join('\r\n');

    const report = await api.lieux.importFile.mutate({ organisationId, format: 'csv', content, ...declaration });

    expect({ errors: report.errors, created: report.created.map((c) => c.name) }).toEqual({ errors: [], created: ['Tiers-lieu de Landerneau'] });
  });

  it('is refused to an organisation that is not an actor, even a member of it', async () => {
    const funder = await makeMember(testApp.db, 'funder', { siret: makeSiret(424_242) });
    const funderApi = sessionFor(testApp, funder.user.id).api;

    await expect(funderApi.lieux.importFile.mutate({ organisationId: funder.organisationId, format: 'csv', content: header, ...declaration })).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
      message: 'Seul un acteur de la médiation numérique peut candidater pour un lieu',
    });
  });
});

describe('the open-data procedures', () => {
  it('answer anyone without a session, with no revenue, and the operator’s copy with it', async () => {
    const testApp = createTestApp();
    const actor = await makeMember(testApp.db, 'actor');
    const operator = await makeMember(testApp.db, 'operator');
    makePlace(testApp.db, { organisationId: actor.organisationId, name: 'Espace numérique', address: '1 rue de Siam' });

    const json = await testApp.client().api.lieux.exportJson.query();
    const csv = await testApp.client().api.lieux.exportCsv.query();
    const operatorCopy = await sessionFor(testApp, operator.user.id).api.lieux.operatorExport.query({ format: 'csv' });

    expect(json.filename).toMatch(/^lieux-qualifies-aptic-\d{4}-\d{2}-\d{2}\.json$/);
    expect((JSON.parse(json.content) as StandardRow[]).map((r) => r.nom)).toEqual(['Espace numérique']);
    expect(csv.content).not.toContain('chiffre_affaires');
    expect(operatorCopy.content).toContain(EXTENSION_COLUMNS.revenueCents);
    expect(operatorCopy.skipped).toEqual([]);
  });
});
