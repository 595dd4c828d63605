import { describe, expect, it } from 'vitest';
import { bookletStatus, fundedQuantity, issuable, passesExpired } from '../../shared/domain/passes';

describe('the funded quantity of an order', () => {
  it('is what the money paid in and not credited back buys, rounded down, within the order’s quantity', () => {
    expect(fundedQuantity({ quantity: 100, unitPriceCents: 1_000 }, 100_000)).toBe(100);
    expect(fundedQuantity({ quantity: 100, unitPriceCents: 1_000 }, 50_000)).toBe(50);
    expect(fundedQuantity({ quantity: 100, unitPriceCents: 1_000 }, 50_999)).toBe(50);
    expect(fundedQuantity({ quantity: 100, unitPriceCents: 1_000 }, 0)).toBe(0);
    // Overfunding (a co-funder paid more than the order's amount) never issues beyond the order.
    expect(fundedQuantity({ quantity: 100, unitPriceCents: 1_000 }, 1_000_000)).toBe(100);
    expect(fundedQuantity({ quantity: 7, unitPriceCents: 1_250 }, 8_749)).toBe(6);
  });

  it('is the whole order when services are free (a zero price buys them all)', () => {
    expect(fundedQuantity({ quantity: 30, unitPriceCents: 0 }, 0)).toBe(30);
  });
});

describe('pass validity', () => {
  const running = { status: 'in_delivery' as const, graceEndsOn: '2027-01-31' };

  it('runs while the order is open, being awarded or delivered, up to the last day of its grace month', () => {
    for (const status of ['open', 'awarding', 'in_delivery'] as const) {
      expect(passesExpired({ status, graceEndsOn: '2027-01-31' }, '2027-01-31')).toBe(false);
      expect(issuable({ status, graceEndsOn: '2027-01-31' }, '2027-01-31')).toBe(true);
    }
    expect(passesExpired(running, '2027-02-01')).toBe(true);
    expect(issuable(running, '2027-02-01')).toBe(false);
  });

  it('ends at once when the order is closed, cancelled or completed, whatever the date', () => {
    for (const status of ['closed', 'cancelled', 'completed'] as const) {
      expect(passesExpired({ status, graceEndsOn: '2099-12-31' }, '2027-01-01')).toBe(true);
      expect(issuable({ status, graceEndsOn: '2099-12-31' }, '2027-01-01')).toBe(false);
    }
  });

  it('has not begun for a draft: nothing is issued before the order is published', () => {
    expect(issuable({ status: 'draft', graceEndsOn: '2099-12-31' }, '2027-01-01')).toBe(false);
  });
});

describe('a booklet’s stage', () => {
  const booklet = { size: 10, redeemed: 0, prescriberOrganisationId: null as number | null, handedOutOn: null as string | null };

  it('goes in stock → assigned → handed out → started → fully used', () => {
    expect(bookletStatus(booklet, false)).toBe('in_stock');
    expect(bookletStatus({ ...booklet, prescriberOrganisationId: 7 }, false)).toBe('assigned');
    expect(bookletStatus({ ...booklet, prescriberOrganisationId: 7, handedOutOn: '2026-11-02' }, false)).toBe('handed_out');
    expect(bookletStatus({ ...booklet, prescriberOrganisationId: 7, handedOutOn: '2026-11-02', redeemed: 1 }, false)).toBe('started');
    expect(bookletStatus({ ...booklet, prescriberOrganisationId: 7, handedOutOn: '2026-11-02', redeemed: 10 }, false)).toBe('fully_used');
  });

  it('is expired once the order is, unless every pass was used', () => {
    expect(bookletStatus({ ...booklet, redeemed: 3 }, true)).toBe('expired');
    expect(bookletStatus(booklet, true)).toBe('expired');
    expect(bookletStatus({ ...booklet, redeemed: 10 }, true)).toBe('fully_used');
  });

  it('counts a pass redeemed without a hand-out noted (the prescriber forgot): started all the same', () => {
    expect(bookletStatus({ ...booklet, prescriberOrganisationId: 7, redeemed: 2 }, false)).toBe('started');
  });
});
