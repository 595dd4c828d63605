import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { findCommune } from '../../../shared/domain/communes';
import type { ServiceName } from '../../../shared/domain/services';
import { departementLabel } from '../../../shared/domain/territory';
import type { Random } from '../random';
import { addDays, monthEndAfter, type Calendar } from './calendar';
import type { Commitment, Generation } from './commitments';
import type { FunderFamily, PlannedFunder } from './funders';
import { ofCommune } from './names';
import type { PlannedPlace } from './places';

/**
 * The orders of the national dataset, planned from the commitments: one order per funder, year
 * and département (a city orders for its own commune), so that an order has at most a few dozen
 * awards, as a funder's « lot » would. Dates follow the service rules: published 40 days before
 * the window, bids for 10 days, awarded 12 days before deliveries start; the window runs from the
 * start of the period (last year's) or 1 January (this year's) to one to three months after today.
 */

export interface OrderDates {
  year: number;
  publishOn: string;
  bidsOn: string;
  bidDeadline: string;
  awardOn: string;
  deliveryStartsOn: string;
}

export function generationDates(calendar: Calendar, generation: Generation): OrderDates {
  const start = generation === 'last' ? calendar.periodStart : `${calendar.year}-01-01`;
  return {
    year: Number(start.slice(0, 4)),
    publishOn: addDays(start, -40),
    bidsOn: addDays(start, -30),
    bidDeadline: addDays(start, -20),
    awardOn: addDays(start, -12),
    deliveryStartsOn: start,
  };
}

export type RoundKey = 'last-national' | 'national' | `region:${string}`;

export interface PlannedOrder {
  funderIndex: number;
  generation: Generation;
  departementCodes: string[];
  communeCodes: string[];
  title: string;
  description: string;
  services: ServiceName[];
  quantity: number;
  deliveryEndsOn: string;
  roundKey: RoundKey | null;
  /** Another funder paying part of it, in cents. */
  coFunding: { funderIndex: number; shareCents: number } | null;
  /** Paid in one transfer, or two (the first share, then the rest). */
  instalments: 1 | 2;
  commitments: Commitment[];
}

const S = Service;
const SERVICE_MIX: Record<FunderFamily, ServiceName[]> = {
  anct: [S.AideAuxDemarchesAdministratives, S.MaitriseDesOutilsNumeriquesDuQuotidien, S.UtilisationSecuriseeDuNumerique, S.ComprehensionDuMondeNumerique],
  prefecture: [S.AideAuxDemarchesAdministratives, S.UtilisationSecuriseeDuNumerique, S.AccesInternetEtMaterielInformatique],
  region: [S.InsertionProfessionnelleViaLeNumerique, S.MaitriseDesOutilsNumeriquesDuQuotidien, S.ComprehensionDuMondeNumerique],
  departement: [S.AideAuxDemarchesAdministratives, S.MaitriseDesOutilsNumeriquesDuQuotidien, S.InsertionProfessionnelleViaLeNumerique],
  caf: [S.AideAuxDemarchesAdministratives, S.ParentaliteEtEducationAvecLeNumerique, S.MaitriseDesOutilsNumeriquesDuQuotidien],
  ville: [S.MaitriseDesOutilsNumeriquesDuQuotidien, S.AideAuxDemarchesAdministratives, S.LoisirsEtCreationsNumeriques],
  fondation: [S.MaitriseDesOutilsNumeriquesDuQuotidien, S.UtilisationSecuriseeDuNumerique, S.AccesInternetEtMaterielInformatique],
  entreprise: [S.MaitriseDesOutilsNumeriquesDuQuotidien, S.AideAuxDemarchesAdministratives, S.MaterielInformatiqueAPrixSolidaire],
  carsat: [S.MaitriseDesOutilsNumeriquesDuQuotidien, S.UtilisationSecuriseeDuNumerique, S.AideAuxDemarchesAdministratives],
};

const WORDING: Record<FunderFamily, { title: string; description: string }> = {
  anct: { title: 'Pass numérique', description: 'Accompagnement des personnes éloignées du numérique, financé par l’État au titre de la feuille de route nationale.' },
  prefecture: { title: 'Accès aux droits en ligne', description: 'Aide aux démarches dématérialisées et à la sécurité en ligne, en lien avec les espaces France services.' },
  region: { title: 'Compétences numériques pour l’emploi', description: 'Parcours de montée en compétences numériques des demandeurs d’emploi et des salariés en reconversion.' },
  departement: { title: 'Médiation numérique', description: 'Accompagnement des habitants orientés par les services sociaux : démarches en ligne, usages du quotidien, insertion.' },
  caf: { title: 'Démarches en ligne des allocataires', description: 'Aide aux démarches CAF, santé et impôts, et accompagnement des parents aux outils numériques scolaires.' },
  ville: { title: 'Permanences numériques', description: 'Permanences de proximité dans les quartiers et à la médiathèque municipale.' },
  fondation: { title: 'Numérique solidaire', description: 'Accompagnement des publics fragiles et accès à un équipement, dans le cadre de l’appel à projets de la fondation.' },
  entreprise: { title: 'Programme d’inclusion numérique', description: 'Mécénat de compétences et financement d’accompagnements au numérique du quotidien.' },
  carsat: { title: 'Bien vieillir avec le numérique', description: 'Ateliers et rendez-vous individuels pour les retraités : outils du quotidien, sécurité en ligne, démarches.' },
};

/** Co-funders of a département or city order: bodies funding the same territory at another level. */
const CO_FUNDER_FAMILIES: FunderFamily[] = ['region', 'fondation', 'entreprise', 'carsat', 'prefecture'];

export const servicesOf = (family: FunderFamily) => SERVICE_MIX[family];

export function planOrders(
  random: Random,
  ctx: { calendar: Calendar; places: PlannedPlace[]; funders: PlannedFunder[]; commitments: Commitment[][]; regionalRounds: string[] },
): PlannedOrder[] {
  const groups = new Map<string, Commitment[]>();
  for (const commitment of ctx.commitments.flat()) {
    const funder = ctx.funders[commitment.funderIndex]!;
    const territory = funder.cityCode ?? ctx.places[commitment.placeIndex]!.departementCode;
    const key = `${commitment.generation === 'last' ? 0 : 1}:${String(funder.index).padStart(5, '0')}:${territory}`;
    groups.set(key, [...(groups.get(key) ?? []), commitment]);
  }
  return [...groups.keys()].sort().map((key) => {
    const commitments = groups.get(key)!;
    const funder = ctx.funders[commitments[0]!.funderIndex]!;
    const generation = commitments[0]!.generation;
    const { year } = generationDates(ctx.calendar, generation);
    const departementCode = ctx.places[commitments[0]!.placeIndex]!.departementCode;
    const regionCode = ctx.places[commitments[0]!.placeIndex]!.regionCode;
    const quantity = commitments.reduce((sum, c) => sum + c.quantity, 0);
    const wording = WORDING[funder.family];
    const local = ['departement', 'caf', 'ville'].includes(funder.family);
    const coFunders = ctx.funders.filter((f) => f.index !== funder.index && CO_FUNDER_FAMILIES.includes(f.family) && f.departementCodes.includes(departementCode));
    const coFunded = local && coFunders.length > 0 && random.chance(0.25);
    const regional = local || funder.family === 'region';
    return {
      funderIndex: funder.index,
      generation,
      departementCodes: funder.cityCode ? [] : [departementCode],
      communeCodes: funder.cityCode ? [funder.cityCode] : [],
      title: funder.cityCode ? `${wording.title} ${ofCommune(findCommune(funder.cityCode)!.nom)} ${year}` : `${wording.title} ${year} — ${departementLabel(departementCode)}`,
      description: wording.description,
      services: SERVICE_MIX[funder.family],
      quantity,
      deliveryEndsOn: monthEndAfter(ctx.calendar.today, random.int(1, 3)),
      roundKey: generation === 'last' ? 'last-national' : regional && ctx.regionalRounds.includes(regionCode) ? `region:${regionCode}` : 'national',
      coFunding: coFunded ? { funderIndex: random.pick(coFunders).index, shareCents: Math.round((quantity * 1_000 * (0.15 + random.next() * 0.2)) / 100) * 100 } : null,
      instalments: random.chance(0.4) ? 2 : 1,
      commitments,
    };
  });
}
