import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { centsToCsv, toFrenchCsv } from '../../shared/csv';

const BOM = '\uFEFF';

/** The lines of a CSV document without its byte order mark and its final line end. */
const linesOf = (csv: string) => csv.slice(BOM.length).replace(/\r\n$/, '').split('\r\n');

describe('centsToCsv', () => {
  it('writes cents as euros with a decimal comma and always two decimals', () => {
    expect(centsToCsv(123_456)).toBe('1234,56');
    expect(centsToCsv(100)).toBe('1,00');
    expect(centsToCsv(5)).toBe('0,05');
    expect(centsToCsv(50)).toBe('0,50');
    expect(centsToCsv(0)).toBe('0,00');
  });

  it('writes no thousands separator, so that spreadsheets read one number', () => {
    expect(centsToCsv(1_000_000_000)).toBe('10000000,00');
  });

  it('puts the minus sign before the euros, also below one euro', () => {
    expect(centsToCsv(-123_405)).toBe('-1234,05');
    expect(centsToCsv(-5)).toBe('-0,05');
    expect(centsToCsv(-100)).toBe('-1,00');
  });

  it('gives back the exact cents when read as a French decimal number', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), (cents) => {
        const text = centsToCsv(cents);
        expect(text).toMatch(/^-?\d+,\d{2}$/);
        const [euros, hundredths] = text.replace('-', '').split(',') as [string, string];
        const back = Number(euros) * 100 + Number(hundredths);
        expect(text.startsWith('-') ? -back : back).toBe(cents);
      }),
    );
  });
});

describe('toFrenchCsv', () => {
  it('starts with a byte order mark, separates fields with ; and ends every line, the last one too, with CRLF', () => {
    const csv = toFrenchCsv(['Commande', 'Intitulé'], [[1, 'Démarches'], [2, 'Éducation']]);

    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv).toBe(`${BOM}Commande;Intitulé\r\n1;Démarches\r\n2;Éducation\r\n`);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes a header alone when there is no row', () => {
    expect(toFrenchCsv(['A', 'B'], [])).toBe(`${BOM}A;B\r\n`);
  });

  it('writes money cells with a decimal comma, negative ones with a leading minus and no quotes', () => {
    const csv = toFrenchCsv(['Brut (€)', 'Avoir (€)'], [[{ cents: 123_456 }, { cents: -1_050 }]]);

    expect(linesOf(csv)[1]).toBe('1234,56;-10,50');
  });

  it('writes plain numbers with a decimal comma and leaves negative numbers alone', () => {
    expect(linesOf(toFrenchCsv(['x', 'y', 'z'], [[1.5, -3, 0]]))[1]).toBe('1,5;-3;0');
  });

  it('writes null and undefined as empty fields', () => {
    expect(linesOf(toFrenchCsv(['a', 'b', 'c'], [[null, undefined, 'c']]))[1]).toBe(';;c');
  });

  it('quotes a field holding a separator, a quote or a line break, doubling the quotes', () => {
    const csv = toFrenchCsv(['Intitulé'], [['Brest; Quimper'], ['Le « lieu » "Ty Numérik"'], ['ligne 1\nligne 2'], ['retour\r\nchariot']]);

    expect(linesOf(csv).slice(1, 3)).toEqual(['"Brest; Quimper"', '"Le « lieu » ""Ty Numérik"""']);
    expect(csv).toContain('\r\n"ligne 1\nligne 2"\r\n');
    expect(csv).toContain('\r\n"retour\r\nchariot"\r\n');
  });

  it('quotes header cells by the same rules', () => {
    expect(linesOf(toFrenchCsv(['Net; après frais', 'Dit "net"'], []))[0]).toBe('"Net; après frais";"Dit ""net"""');
  });

  it('neutralises text that a spreadsheet would run as a formula: = + - @ are prefixed with an apostrophe and quoted', () => {
    const csv = toFrenchCsv(['Intitulé'], [['=HYPERLINK("http://x","clic")'], ['+33 2 98 00 00 00'], ['-1+1'], ['@SUM(A1:A9)']]);

    expect(linesOf(csv).slice(1)).toEqual(['"\'=HYPERLINK(""http://x"",""clic"")"', '"\'+33 2 98 00 00 00"', '"\'-1+1"', '"\'@SUM(A1:A9)"']);
  });

  it('leaves a formula character alone when it is not the first one', () => {
    expect(linesOf(toFrenchCsv(['a'], [['a=b+c-d@e']]))[1]).toBe('a=b+c-d@e');
  });

  it('does not prefix numbers and money, whose minus sign is a real sign', () => {
    expect(linesOf(toFrenchCsv(['a', 'b'], [[-12, { cents: -1 }]]))[1]).toBe('-12;-0,01');
  });

  it('keeps every field of every row in place whatever the text', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
        const csv = toFrenchCsv(['a', 'b', 'c'], rows);
        expect(parseSemicolonCsv(csv.slice(BOM.length))).toEqual([['a', 'b', 'c'], ...rows.map((row) => row.map((text) => (/^[=+\-@]/.test(text) ? `'${text}` : text)))]);
      }),
    );
  });
});

/** A minimal RFC 4180 reader with `;` as separator, to read back what was written. */
function parseSemicolonCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}
