import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { columnName, isoDateOf, pseudonymiseReferences, serviceOf } from '../../shared/domain/delivery-import';

const sha = async (value: string) => createHash('sha256').update(value).digest('hex');

describe('reading the cells of a delivery import', () => {
  it('reads a header cell whatever its case, accents or spacing', () => {
    expect(['Quantité', ' quantite ', 'QUANTITE', 'Référence personne', 'reference-personne'].map(columnName)).toEqual([
      'quantite',
      'quantite',
      'quantite',
      'reference_personne',
      'reference_personne',
    ]);
  });

  it('reads a French or an ISO date, and nothing else', () => {
    expect(isoDateOf('05/03/2026')).toBe('2026-03-05');
    expect(isoDateOf('5/3/2026')).toBe('2026-03-05');
    expect(isoDateOf('2026-03-05')).toBe('2026-03-05');
    expect(['05-03-2026', '2026/03/05', '5 mars 2026', '', '05/03/26'].map(isoDateOf)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('finds a service of the national vocabulary by its label, ignoring case and accents', () => {
    expect(serviceOf('Aide aux démarches administratives')).toBe('Aide aux démarches administratives');
    expect(serviceOf('  AIDE AUX DEMARCHES  administratives ')).toBe('Aide aux démarches administratives');
    expect(serviceOf('Cours de cuisine')).toBeUndefined();
  });
});

describe('pseudonymising the person column in the browser', () => {
  it('replaces the column and each reference by its hash, and keeps every other byte', async () => {
    const text = '\uFEFFattribution;date;reference_personne;cle\r\n12;01/03/2026;dossier-1;a\r\n\r\n12;02/03/2026;"dossier;2";b\r\n';

    const { text: sent, replaced } = await pseudonymiseReferences(text, sha);

    expect(replaced).toBe(2);
    expect(sent).toBe(`\uFEFFattribution;date;empreinte_personne;cle\r\n12;01/03/2026;${await sha('dossier-1')};a\r\n\r\n12;02/03/2026;${await sha('dossier;2')};b\r\n`);
  });

  it('keeps the line numbers of the file, even with a line break inside a quoted field', async () => {
    const text = 'attribution;note;reference_personne\n1;"sur\ndeux lignes";"réf\nsur deux"\n2;;dossier-3\n';

    const { text: sent } = await pseudonymiseReferences(text, sha);

    const lines = (csv: string) => parse(csv, { delimiter: ';', info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    const records = lines(sent);
    expect(records.map((r) => r.info.lines)).toEqual(lines(text).map((r) => r.info.lines));
    expect(records.map((r) => r.info.lines)).toEqual([1, 4, 5]);
    expect(records.map((r) => r.record[2]!.trim())).toEqual(['empreinte_personne', await sha('réf\nsur deux'), await sha('dossier-3')]);
  });

  it('leaves an empty reference empty, for the server to refuse on its line, and a file without the column as it is', async () => {
    expect((await pseudonymiseReferences('reference_personne;cle\n;x\n', sha)).text).toBe('empreinte_personne;cle\n;x\n');
    const already = 'attribution;empreinte_personne\n1;0123456789abcdef\n';
    expect(await pseudonymiseReferences(already, sha)).toEqual({ text: already, replaced: 0 });
  });
});
