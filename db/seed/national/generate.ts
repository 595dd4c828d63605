import { rmSync } from 'node:fs';
import { checkLedger } from '../../../server/services/ledger-check';
import { departementPopulation } from '../../../shared/domain/communes';
import { sessionUserOf } from '../../../test/factories/marketplace';
import { openMigratedDatabase, type Db } from '../../client';
import { createRandom } from '../random';
import { calendarOf, dayDistribution } from './calendar';
import { openNextYearCalls } from './calls';
import { capacityFor, planCommitments } from './commitments';
import { recordDeliveries, type DeliveryPlace } from './deliveries';
import { planFunders } from './funders';
import { NATIONAL_PASSWORD, nationalEmail, createOrganisations } from './organisations';
import type { NationalOptions } from './options';
import { planOrders } from './order-plan';
import { makeOrder, type MarketContext } from './orders';
import { formPartnerships, planPartnerships } from './partnerships';
import { NATIONAL_DEPARTEMENTS, planPlaces } from './places';
import { qualifyPlaces } from './qualification';
import { checkpointedSize, countDataset, type NationalCounts, type Phase } from './report';
import { closeRound, openRounds, planRounds, regionalRoundRegions } from './rounds';
import { planDeliveries, placeTargets } from './volumes';

/**
 * The national dataset (`npm run seed:national`): places in every département, funders, rounds,
 * orders, bids, awards and a year of deliveries, planned from one seed and `today`, then written
 * through the domain services exactly as the API would write them, so that the ledger and the
 * maintained figures are consistent by construction (`checkLedger` confirms it at the end).
 */

export interface NationalReport {
  out: string;
  seed: number;
  today: string;
  password: string;
  logins: Record<string, string>;
  options: NationalOptions;
  phases: Phase[];
  counts: NationalCounts;
  deliveriesPerSecond: number;
  deliveryBatches: number;
  sizeBytes: number;
  rounds: { name: string; targetCents: number; wantedCents: number }[];
  ledger: { ok: boolean; differences: string[]; transactions: number; entries: number };
}

/** A random stream per concern, so that changing one part of the plan leaves the others as they were. */
function stream(seed: number, name: string) {
  let hash = 0x811c9dc5 ^ seed;
  for (const char of `${seed}:${name}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return createRandom(hash);
}

/**
 * Speed-ups that change nothing in what is written: a large page cache, no fsync while the file
 * is built (it is rebuilt from scratch if the machine stops), fewer WAL checkpoints. WAL and
 * foreign keys stay on, as the app runs them.
 */
function tuneForGeneration(db: Db): void {
  db.$client.pragma('cache_size = -1000000');
  db.$client.pragma('synchronous = OFF');
  db.$client.pragma('wal_autocheckpoint = 10000');
  db.$client.pragma('temp_store = MEMORY');
}

export async function generateNational(options: NationalOptions, log: (line: string) => void = () => {}): Promise<NationalReport> {
  const phases: Phase[] = [];
  const phase = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    log(`${name}…`);
    const result = await run();
    phases.push({ name, seconds: (performance.now() - started) / 1_000 });
    return result;
  };
  const { seed } = options;
  const calendar = calendarOf(options.today);

  // 1. The whole plan, in memory: who is where, who pays for what, when each service happens.
  const plan = await phase('Plan (territoire, volumes, financeurs)', () => {
    const { actors, places } = planPlaces(stream(seed, 'places'), options.places);
    const targets = placeTargets(stream(seed, 'targets'), places, options.services);
    const days = dayDistribution(calendar);
    const deliveries = targets.map((target, i) => planDeliveries(stream(seed, `deliveries:${i}`), target, days, calendar.yearStartOffset));
    const population = new Map(NATIONAL_DEPARTEMENTS.map((d) => [d.code, departementPopulation(d.code)]));
    const funders = planFunders(stream(seed, 'funders'), options.funders, population);
    const counts = deliveries.map((d) => ({ last: d.lastYearCount, this: d.days.length - d.lastYearCount }));
    const commitments = planCommitments(stream(seed, 'commitments'), { places, funders, counts });
    const capacityRandom = stream(seed, 'capacities');
    const capacities = commitments.map((c, i) => capacityFor(capacityRandom, c, targets[i]!));
    const partnerships = planPartnerships(stream(seed, 'partnerships'), { places, actors });
    const regions = regionalRoundRegions(places);
    const orders = planOrders(stream(seed, 'orders'), { calendar, places, funders, commitments, regionalRounds: regions });
    const rounds = planRounds({ calendar, orders, regions });
    return { actors, places, deliveries, funders, commitments, capacities, partnerships, regions, orders, rounds };
  });

  for (const suffix of ['', '-wal', '-shm']) rmSync(options.out + suffix, { force: true });
  const db = openMigratedDatabase(options.out);
  tuneForGeneration(db);
  try {
    const organisations = await phase('Organisations et comptes', () => createOrganisations(db, seed, { actors: plan.actors, funders: plan.funders }));
    const placeIds = await phase('Candidatures et qualification des lieux', () =>
      qualifyPlaces(db, stream(seed, 'qualification'), { calendar, organisations, places: plan.places, capacities: plan.capacities }),
    );
    const partnerships = await phase('Partenariats', () =>
      formPartnerships(db, { plan: plan.partnerships, organisations, placeIds, passwordHash: organisations.passwordHash }),
    );

    const placePartnership = plan.places.map(() => -1);
    for (const p of plan.partnerships) for (const i of p.memberPlaceIndexes) placePartnership[i] = p.index;
    // Sessions read after the partnerships: members' users now belong to them too.
    const actorUsers = organisations.actors.map((a) => sessionUserOf(db, a.userId));
    const market: MarketContext = {
      calendar,
      funders: organisations.funders,
      actors: organisations.actors,
      actorUsers,
      placeIds,
      placeActor: plan.places.map((p) => p.actorIndex),
      placePartnership,
      partnerships,
      partnershipUsers: partnerships.map((p) => sessionUserOf(db, p.lead.userId)),
      roundIds: new Map(),
    };

    await phase('Campagnes, commandes, versements, offres et attributions', () => {
      market.roundIds = openRounds(db, organisations.operator.organisationId, plan.rounds);
      const random = stream(seed, 'market');
      db.transaction(() => {
        for (const order of plan.orders.filter((o) => o.generation === 'last')) makeOrder(db, random, market, order);
        const last = market.roundIds.get('last-national');
        if (last !== undefined) closeRound(db, last);
        for (const order of plan.orders.filter((o) => o.generation === 'this')) makeOrder(db, random, market, order);
      });
      openNextYearCalls(db, stream(seed, 'calls'), {
        calendar,
        regions: plan.regions,
        roundIds: market.roundIds,
        places: plan.places,
        placeIds,
        funders: plan.funders,
        funderMembers: organisations.funders,
        actors: organisations.actors,
        placePartnership,
      });
    });

    const orderServices = new Map(plan.orders.flatMap((o) => o.commitments.map((c) => [c, o.services] as const)));
    const written = await phase('Prestations', () => {
      const places: DeliveryPlace[] = plan.places.map((place, i) => ({
        placeId: placeIds[i]!,
        organisationId: organisations.actors[place.actorIndex]!.organisationId,
        user: actorUsers[place.actorIndex]!,
        plan: plan.deliveries[i]!,
        services: place.services,
        commitments: plan.commitments[i]!,
        orderServices: plan.commitments[i]!.map((c) => orderServices.get(c)!),
      }));
      return recordDeliveries(db, stream(seed, 'assignments'), {
        calendar,
        seed,
        places,
        onProgress: ({ done, total, perSecond }) =>
          log(`  prestations : ${done.toLocaleString('fr-FR')} / ${total.toLocaleString('fr-FR')} (${Math.round((done / total) * 100)} %) — ${Math.round(perSecond).toLocaleString('fr-FR')} /s`),
      });
    });

    const ledger = await phase('Contrôle du grand livre', () => checkLedger(db));
    const { counts, sizeBytes } = await phase('Comptage et point de contrôle WAL', () => ({ counts: countDataset(db), sizeBytes: checkpointedSize(db, options.out) }));
    return {
      out: options.out,
      seed,
      today: options.today,
      password: NATIONAL_PASSWORD,
      logins: {
        opérateur: nationalEmail.operator,
        commanditaires: `${nationalEmail.funder(1)} … ${nationalEmail.funder(plan.funders.length)}`,
        acteurs: `${nationalEmail.actor(1)} … ${nationalEmail.actor(plan.actors.length)}`,
        partenariats: plan.partnerships.length ? `${nationalEmail.partnership(1)} … ${nationalEmail.partnership(plan.partnerships.length)}` : '—',
      },
      options,
      phases,
      counts,
      deliveriesPerSecond: written.seconds > 0 ? written.rows / written.seconds : 0,
      deliveryBatches: written.batches,
      sizeBytes,
      rounds: plan.rounds.map((r) => ({ name: r.name, targetCents: r.targetCents, wantedCents: r.wantedCents })),
      ledger: { ok: ledger.ok, differences: ledger.differences.slice(0, 50), transactions: ledger.transactions, entries: ledger.entries },
    };
  } finally {
    db.$client.close();
  }
}
