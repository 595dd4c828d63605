/**
 * CSV in French conventions (issue 7): `;` between fields, decimal comma, UTF-8 with a byte
 * order mark so that spreadsheet software opens accents right, CRLF line ends (RFC 4180).
 */
export type CsvCell = string | number | null | undefined | { cents: number };

const BOM = '\uFEFF';

/** Cents as euros with a decimal comma and no thousands separator: `-1234,05`. */
export function centsToCsv(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return centsToCsv(value.cents);
  const text = typeof value === 'number' ? String(value).replace('.', ',') : value;
  // A leading =, +, - or @ would be run as a formula by spreadsheets: quoted and prefixed.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[;"\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toFrenchCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return BOM + [header, ...rows].map((row) => row.map(cell).join(';')).join('\r\n') + '\r\n';
}
