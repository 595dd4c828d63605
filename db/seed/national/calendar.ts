/**
 * The national dataset's calendar: every date derives from `today`, so that a seed and a day
 * always give the same data. Deliveries fall on the 365 days ending today; their pattern follows
 * opening days and the seasons of digital mediation (quiet August and Christmas, busy tax season
 * and back-to-school).
 */

const DAY_MS = 86_400_000;

export const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / DAY_MS);

/** A moment of a day, for the services that take a `now` (qualification). */
export const atNine = (iso: string) => new Date(`${iso}T09:00:00.000Z`);

/** Days of the delivery period: today and the 364 before it. */
export const PERIOD_DAYS = 365;

export interface Calendar {
  today: string;
  year: number;
  /** First day deliveries may be dated. */
  periodStart: string;
  /** ISO date of each day of the period, by its offset from `periodStart`. */
  days: string[];
  /**
   * Offset of 1 January of this year within the period, or 0 when the period starts on it:
   * deliveries before it are last year's orders', from it this year's.
   */
  yearStartOffset: number;
}

export function calendarOf(today: string): Calendar {
  const periodStart = addDays(today, -(PERIOD_DAYS - 1));
  const days = Array.from({ length: PERIOD_DAYS }, (_, k) => addDays(periodStart, k));
  const year = Number(today.slice(0, 4));
  return { today, year, periodStart, days, yearStartOffset: Math.max(0, daysBetween(periodStart, `${year}-01-01`)) };
}

/** Opening days: most places are closed on Sunday, half open on Saturday. */
const WEEKDAY_WEIGHTS = [0.04, 0.85, 1, 1, 1, 1, 0.45];

function seasonWeight(iso: string): number {
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  if ((month === 12 && day >= 23) || (month === 1 && day <= 2)) return 0.25;
  if (month === 8) return day < 16 ? 0.4 : 0.6;
  if (month === 7) return day < 14 ? 0.9 : 0.65;
  if (month === 4 || month === 5) return 1.15; // income tax returns
  if (month === 9 || month === 10) return 1.1; // back to school, benefits renewals
  return 1;
}

export interface DayDistribution {
  /** Cumulative weights of the period's days: drawing a day is a binary search in it. */
  cumulative: Float64Array;
  /** Offsets of the period's Sundays, when almost every place is closed. */
  sundays: Set<number>;
}

export function dayDistribution(calendar: Calendar): DayDistribution {
  const cumulative = new Float64Array(calendar.days.length);
  const sundays = new Set<number>();
  let total = 0;
  calendar.days.forEach((iso, k) => {
    const weekday = new Date(`${iso}T12:00:00Z`).getUTCDay();
    if (weekday === 0) sundays.add(k);
    total += WEEKDAY_WEIGHTS[weekday]! * seasonWeight(iso);
    cumulative[k] = total;
  });
  return { cumulative: cumulative.map((w) => w / total), sundays };
}

/** The day whose cumulative weight first reaches `u` (0 ≤ u < 1). */
export function drawDay(cumulative: Float64Array, u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! > u) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The last day of the month `months` after the one of `iso`. */
export function monthEndAfter(iso: string, months: number): string {
  const [year, month] = iso.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month + months, 0)).toISOString().slice(0, 10);
}
