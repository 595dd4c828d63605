import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSettleable, MONTH_PATTERN, monthEnd, monthOf, nextMonth, previousMonth } from '../../shared/domain/months';
import { closability, CLOSABLE_STATUSES, DEFAULT_GRACE_MONTHS, graceEndsOn } from '../../shared/domain/orders';
import { ORDER_STATUSES } from '../../shared/domain/enums';

const month = fc.record({ year: fc.integer({ min: 2000, max: 2099 }), m: fc.integer({ min: 1, max: 12 }) }).map(({ year, m }) => `${year}-${String(m).padStart(2, '0')}`);

describe('monthEnd', () => {
  it('gives the last day of 30- and 31-day months', () => {
    expect(monthEnd('2026-01')).toBe('2026-01-31');
    expect(monthEnd('2026-04')).toBe('2026-04-30');
    expect(monthEnd('2026-12')).toBe('2026-12-31');
  });

  it('gives 29 February in leap years, including the years divisible by 400, and 28 otherwise', () => {
    expect(monthEnd('2024-02')).toBe('2024-02-29');
    expect(monthEnd('2000-02')).toBe('2000-02-29');
    expect(monthEnd('2026-02')).toBe('2026-02-28');
    expect(monthEnd('2100-02')).toBe('2100-02-28');
  });

  it('stays in its month, and the next day is the first of the next month', () => {
    fc.assert(
      fc.property(month, (m) => {
        const end = monthEnd(m);
        expect(monthOf(end)).toBe(m);
        const dayAfter = new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        expect(dayAfter).toBe(`${nextMonth(m)}-01`);
      }),
    );
  });
});

describe('previousMonth and nextMonth', () => {
  it('step within a year', () => {
    expect(previousMonth('2026-06')).toBe('2026-05');
    expect(nextMonth('2026-06')).toBe('2026-07');
  });

  it('cross the turn of the year both ways', () => {
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(nextMonth('2026-12')).toBe('2027-01');
  });

  it('are each other’s inverse and keep the YYYY-MM format', () => {
    fc.assert(
      fc.property(month, (m) => {
        expect(nextMonth(previousMonth(m))).toBe(m);
        expect(previousMonth(nextMonth(m))).toBe(m);
        expect(nextMonth(m)).toMatch(MONTH_PATTERN);
        expect(previousMonth(m) < m && m < nextMonth(m)).toBe(true);
      }),
    );
  });
});

describe('isSettleable', () => {
  it('refuses a month until it is over: not on its last day', () => {
    expect(isSettleable('2026-10', '2026-10-15')).toBe(false);
    expect(isSettleable('2026-10', '2026-10-31')).toBe(false);
  });

  it('accepts a month from the first day of the next one, across the year too', () => {
    expect(isSettleable('2026-10', '2026-11-01')).toBe(true);
    expect(isSettleable('2026-12', '2027-01-01')).toBe(true);
    expect(isSettleable('2024-02', '2024-02-29')).toBe(false);
    expect(isSettleable('2024-02', '2024-03-01')).toBe(true);
  });

  it('refuses a month in the future', () => {
    expect(isSettleable('2027-03', '2026-11-28')).toBe(false);
  });
});

describe('graceEndsOn', () => {
  it('adds one month by default', () => {
    expect(DEFAULT_GRACE_MONTHS).toBe(1);
    expect(graceEndsOn('2026-06-15')).toBe('2026-07-15');
  });

  it('keeps the date within the target month: 31 January + 1 month is 28 February, or 29 in a leap year', () => {
    expect(graceEndsOn('2026-01-31', 1)).toBe('2026-02-28');
    expect(graceEndsOn('2024-01-31', 1)).toBe('2024-02-29');
    expect(graceEndsOn('2026-03-31', 1)).toBe('2026-04-30');
    expect(graceEndsOn('2026-01-30', 1)).toBe('2026-02-28');
  });

  it('crosses the turn of the year', () => {
    expect(graceEndsOn('2026-12-31', 1)).toBe('2027-01-31');
    expect(graceEndsOn('2026-11-30', 2)).toBe('2027-01-30');
  });

  it('gives the window’s end itself with no grace month', () => {
    expect(graceEndsOn('2026-12-31', 0)).toBe('2026-12-31');
    expect(graceEndsOn('2024-02-29', 0)).toBe('2024-02-29');
  });

  it('gives the same day a year later with twelve months, 28 February after a 29th', () => {
    expect(graceEndsOn('2026-06-30', 12)).toBe('2027-06-30');
    expect(graceEndsOn('2024-02-29', 12)).toBe('2025-02-28');
  });

  it('is never before the window’s end and lands in the month `months` later', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 24 }),
        (date, months) => {
          const end = date.toISOString().slice(0, 10);
          const grace = graceEndsOn(end, months);
          expect(grace >= end).toBe(true);
          let expected = monthOf(end);
          for (let i = 0; i < months; i++) expected = nextMonth(expected);
          expect(monthOf(grace)).toBe(expected);
        },
      ),
    );
  });
});

describe('closability', () => {
  const order = { status: 'in_delivery' as const, deliveryEndsOn: '2026-06-30', graceEndsOn: '2026-07-30' };

  it('lets nobody close an order during its delivery window, its last day included', () => {
    expect(closability(order, '2026-03-01')).toEqual({ byFunder: false, automatic: false });
    expect(closability(order, '2026-06-30')).toEqual({ byFunder: false, automatic: false });
  });

  it('lets the funder close it from the day after the window, and the system only after the grace period', () => {
    expect(closability(order, '2026-07-01')).toEqual({ byFunder: true, automatic: false });
    expect(closability(order, '2026-07-30')).toEqual({ byFunder: true, automatic: false });
    expect(closability(order, '2026-07-31')).toEqual({ byFunder: true, automatic: true });
  });

  it('only closes orders that may hold money: open, awarding, in delivery or completed', () => {
    expect([...CLOSABLE_STATUSES].sort()).toEqual(['awarding', 'completed', 'in_delivery', 'open']);
    for (const status of ORDER_STATUSES) {
      const expected = CLOSABLE_STATUSES.includes(status);
      expect(closability({ ...order, status }, '2027-01-01')).toEqual({ byFunder: expected, automatic: expected });
    }
    expect(closability({ ...order, status: 'draft' }, '2027-01-01')).toEqual({ byFunder: false, automatic: false });
    expect(closability({ ...order, status: 'cancelled' }, '2027-01-01')).toEqual({ byFunder: false, automatic: false });
    expect(closability({ ...order, status: 'closed' }, '2027-01-01')).toEqual({ byFunder: false, automatic: false });
  });
});
