import { createRound, moveRound } from '../../../server/services/rounds';
import { CreateRoundInput } from '../../../shared/schemas/rounds';
import { AmountCents } from '../../../shared/schemas/common';
import { findRegion } from '../../../shared/domain/territory';
import type { Db } from '../../client';
import { addDays, type Calendar } from './calendar';
import { ofRegion } from './names';
import { generationDates, type PlannedOrder, type RoundKey } from './order-plan';
import { NATIONAL_DEPARTEMENTS, type PlannedPlace } from './places';

/**
 * Funding rounds, opened by the operator through the round service: this year's national
 * round over the 101 départements, regional rounds in the three régions with the most places,
 * and last year's national round, closed once its orders were awarded. Each target is what its
 * orders amount to plus 15 %, within what the API accepts for an amount (10 M€: a national round
 * meets that limit, see the report).
 */

export interface PlannedRound {
  key: RoundKey;
  name: string;
  departementCodes: string[];
  opensOn: string;
  closesOn: string;
  targetCents: number;
  /** The target the orders call for, before the API's limit. */
  wantedCents: number;
}

const MAX_AMOUNT_CENTS = AmountCents.maxValue ?? 1_000_000_000;

/** The régions with the most places (three, or fewer at small scale). */
export function regionalRoundRegions(places: readonly PlannedPlace[]): string[] {
  const counts = new Map<string, number>();
  for (const p of places) counts.set(p.regionCode, (counts.get(p.regionCode) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([code]) => code);
}

export function planRounds(ctx: { calendar: Calendar; orders: PlannedOrder[]; regions: string[] }): PlannedRound[] {
  const { calendar } = ctx;
  const amount = (key: RoundKey) => ctx.orders.filter((o) => o.roundKey === key).reduce((sum, o) => sum + o.quantity * 1_000, 0);
  const target = (key: RoundKey) => Math.ceil((amount(key) * 1.15) / 10_000_000) * 10_000_000;
  const all = NATIONAL_DEPARTEMENTS.map((d) => d.code);
  const rounds: Omit<PlannedRound, 'targetCents'>[] = [];
  if (ctx.orders.some((o) => o.roundKey === 'last-national')) {
    const last = calendar.year - 1;
    // Opened before last year's orders were published, whenever the period started.
    const opensOn = [`${last}-01-01`, addDays(generationDates(calendar, 'last').publishOn, -5)].sort()[0]!;
    rounds.push({ key: 'last-national', name: `Campagne nationale ${last} — médiation numérique`, departementCodes: all, opensOn, closesOn: `${last}-12-31`, wantedCents: target('last-national') });
  }
  // This year's rounds open before their orders are published (40 days before 1 January).
  const opensOn = `${calendar.year - 1}-11-15`;
  rounds.push({ key: 'national', name: `Campagne nationale ${calendar.year} — médiation numérique`, departementCodes: all, opensOn, closesOn: `${calendar.year}-12-31`, wantedCents: target('national') });
  for (const code of ctx.regions) {
    const region = findRegion(code)!;
    rounds.push({
      key: `region:${code}`,
      name: `Campagne régionale ${calendar.year} ${ofRegion(code, region.nom)}`,
      departementCodes: NATIONAL_DEPARTEMENTS.filter((d) => d.region === code).map((d) => d.code),
      opensOn,
      closesOn: `${calendar.year}-12-31`,
      wantedCents: target(`region:${code}`),
    });
  }
  return rounds.map((r) => ({ ...r, targetCents: Math.max(10_000_000, Math.min(MAX_AMOUNT_CENTS, r.wantedCents)) }));
}

/** Creates and opens the rounds; returns their ids by key. */
export function openRounds(db: Db, operatorOrganisationId: number, rounds: readonly PlannedRound[]): Map<RoundKey, number> {
  const ids = new Map<RoundKey, number>();
  db.transaction(() => {
    for (const round of rounds) {
      const input = CreateRoundInput.parse({ name: round.name, departementCodes: round.departementCodes, opensOn: round.opensOn, closesOn: round.closesOn, targetCents: round.targetCents });
      const id = createRound(db, operatorOrganisationId, input);
      moveRound(db, id, 'open');
      ids.set(round.key, id);
    }
  });
  return ids;
}

export function closeRound(db: Db, roundId: number): void {
  moveRound(db, roundId, 'closed');
}
