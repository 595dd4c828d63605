/** Calendar months as `YYYY-MM`: the unit of counter-payment settlement (issue 7). */

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export function monthOf(isoDate: string): string {
  return isoDate.slice(0, 7);
}

/** The last day of a month, as an ISO date. */
export function monthEnd(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
}

export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m - 2, 1)).toISOString().slice(0, 7);
}

export function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 1)).toISOString().slice(0, 7);
}

/** A month can be settled once it is over: every delivery of it could have been recorded. */
export function isSettleable(month: string, today: string): boolean {
  return monthEnd(month) < today;
}
