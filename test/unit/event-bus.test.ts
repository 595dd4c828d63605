import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../server/realtime/bus';
import type { RoomMessage } from '../../shared/events';

const figures = (placeId: number, servicesDelivered: number) => ({
  placeId,
  year: 2026,
  servicesDelivered,
  revenueDeliveredCents: servicesDelivered * 1_000,
  revenueCommittedCents: 0,
  servicesCommitted: 0,
  beneficiaries: 1,
  revenueSettledCents: 0,
  revenuePaidCents: 0,
});

describe('the event bus coalesces bursts per room', () => {
  let bus: EventBus;
  let sent: RoomMessage[];
  beforeEach(() => {
    vi.useFakeTimers();
    bus = new EventBus(250);
    sent = [];
    bus.subscribe((m) => sent.push(m));
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first message of a quiet room at once', () => {
    bus.publish('place:1', 'place.figures', figures(1, 1));
    expect(sent.map((m) => [m.room, m.seq])).toEqual([['place:1', 1]]);
  });

  it('turns a thousand updates of one place into one more message carrying the last state', () => {
    for (let i = 1; i <= 1_000; i++) bus.publish('place:1', 'place.figures', figures(1, i));
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(sent).toHaveLength(2);
    expect(sent.map((m) => m.seq)).toEqual([1, 2]);
    expect((sent[1]!.payload as ReturnType<typeof figures>).servicesDelivered).toBe(1_000);
  });

  it('keeps one message per key in a window: two places stay two messages', () => {
    bus.publish('round:1', 'place.figures', figures(1, 1));
    for (let i = 0; i < 50; i++) {
      bus.publish('round:1', 'place.figures', figures(1, 10 + i));
      bus.publish('round:1', 'place.figures', figures(2, 20 + i));
    }
    vi.advanceTimersByTime(250);
    expect(sent.map((m) => (m.payload as ReturnType<typeof figures>).placeId)).toEqual([1, 1, 2]);
  });

  it('numbers each room on its own and never merges two rooms', () => {
    bus.publish('place:1', 'place.figures', figures(1, 1));
    bus.publish('place:2', 'place.figures', figures(2, 1));
    expect(sent.map((m) => [m.room, m.seq])).toEqual([
      ['place:1', 1],
      ['place:2', 1],
    ]);
    expect(bus.currentSeq('place:1')).toBe(1);
  });

  it('computes a lazy payload once per flush, not once per write', () => {
    const make = vi.fn(() => ({ message: 'agrégat' }));
    bus.publish('round:7', 'notice', { message: 'ouverture' });
    for (let i = 0; i < 100; i++) bus.publishLazy('round:7', 'notice', 'aggregate', make);
    vi.advanceTimersByTime(250);
    expect(make).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(2);
  });

  it('never coalesces steps that each matter, such as notices', () => {
    bus.publish('org:1', 'notice', { message: 'a' });
    bus.publish('org:1', 'notice', { message: 'b' });
    bus.publish('org:1', 'notice', { message: 'c' });
    vi.advanceTimersByTime(250);
    expect(sent.map((m) => (m.payload as { message: string }).message)).toEqual(['a', 'b', 'c']);
  });
});
