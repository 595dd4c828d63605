import { statSync } from 'node:fs';
import { isRuralCommune } from '../../../shared/domain/communes';
import type { Db } from '../../client';
import { NATIONAL_DEPARTEMENTS } from './places';

/** What the national dataset holds, from the database itself, and how long each phase took. */

export interface Phase {
  name: string;
  seconds: number;
}

export interface NationalCounts {
  places: number;
  qualifiedPlaces: number;
  departementsCovered: number;
  departements: number;
  /** Share of places whose main commune is rural (< 2 000 inhabitants), 0–1. */
  ruralShare: number;
  actors: number;
  funders: number;
  users: number;
  rounds: number;
  orders: number;
  ordersByStatus: Record<string, number>;
  bids: number;
  awards: number;
  awardedServices: number;
  partnerships: number;
  partnershipMembers: number;
  jointAwards: number;
  deliveries: number;
  services: number;
  /** Σ awarded / Σ delivered, on the awards that take deliveries. */
  headroom: number;
  beneficiaries: number;
  ledgerTransactions: number;
  ledgerEntries: number;
}

export function countDataset(db: Db): NationalCounts {
  const one = <T>(query: string) => db.$client.prepare(query).get() as T;
  const n = (query: string) => one<{ n: number | null }>(query).n ?? 0;
  const mainCommunes = db.$client.prepare("select main_commune_code as code from places where status = 'qualified'").all() as { code: string }[];
  const awarded = one<{ awarded: number; delivered: number }>(
    "select coalesce(sum(a.quantity), 0) as awarded, coalesce(sum(a.delivered_quantity), 0) as delivered from awards a join service_orders o on o.id = a.order_id where o.status in ('awarding', 'in_delivery', 'completed')",
  );
  const statuses = db.$client.prepare('select status, count(*) as n from service_orders group by status order by status').all() as { status: string; n: number }[];
  return {
    places: n('select count(*) as n from places'),
    qualifiedPlaces: mainCommunes.length,
    departementsCovered: n("select count(distinct departement_code) as n from places where status = 'qualified'"),
    departements: NATIONAL_DEPARTEMENTS.length,
    ruralShare: mainCommunes.length === 0 ? 0 : mainCommunes.filter((p) => isRuralCommune(p.code)).length / mainCommunes.length,
    actors: n("select count(*) as n from organisations where kind = 'actor'"),
    funders: n("select count(*) as n from organisations where kind = 'funder'"),
    users: n('select count(*) as n from users'),
    rounds: n('select count(*) as n from funding_rounds'),
    orders: n('select count(*) as n from service_orders'),
    ordersByStatus: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
    bids: n('select count(*) as n from bids'),
    awards: n('select count(*) as n from awards'),
    awardedServices: awarded.awarded,
    partnerships: n('select count(*) as n from partnerships'),
    partnershipMembers: n("select count(*) as n from partnership_members where status = 'active'"),
    jointAwards: n('select count(*) as n from awards where partnership_id is not null'),
    deliveries: n('select count(*) as n from deliveries'),
    services: n('select sum(quantity) as n from deliveries'),
    headroom: awarded.delivered === 0 ? 0 : awarded.awarded / awarded.delivered,
    beneficiaries: n('select sum(beneficiaries) as n from place_year_figures'),
    ledgerTransactions: n('select count(*) as n from ledger_transactions'),
    ledgerEntries: n('select count(*) as n from ledger_entries'),
  };
}

/** Size of the database once the WAL is folded into it. */
export function checkpointedSize(db: Db, path: string): number {
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(path).size;
}

const fr = (n: number, digits = 0) => n.toLocaleString('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${fr(bytes / 1e9, 2)} Go` : `${fr(bytes / 1e6, 1)} Mo`;
}

/** The short report printed at the end (French, like every message of the product). */
export function reportLines(r: { counts: NationalCounts; phases: Phase[]; sizeBytes: number; deliveriesPerSecond: number; ledgerOk: boolean }): string[] {
  const c = r.counts;
  const width = Math.max(...r.phases.map((p) => p.name.length));
  return [
    'Durée par phase :',
    ...r.phases.map((p) => `  ${p.name.padEnd(width)}  ${fr(p.seconds, 1).padStart(7)} s`),
    `  ${'total'.padEnd(width)}  ${fr(r.phases.reduce((s, p) => s + p.seconds, 0), 1).padStart(7)} s`,
    'Contenu :',
    `  lieux qualifiés          ${fr(c.qualifiedPlaces)} (${fr(c.actors)} acteurs), ${c.departementsCovered}/${c.departements} départements, ${fr(c.ruralShare * 100, 1)} % en commune rurale`,
    `  commanditaires           ${fr(c.funders)} ; campagnes ${c.rounds}`,
    `  commandes                ${fr(c.orders)} (${Object.entries(c.ordersByStatus).map(([s, n]) => `${s} ${fr(n)}`).join(', ')})`,
    `  offres / attributions    ${fr(c.bids)} / ${fr(c.awards)} (dont ${fr(c.jointAwards)} en partenariat)`,
    `  partenariats             ${fr(c.partnerships)} (${fr(c.partnershipMembers)} lieux membres actifs)`,
    `  prestations              ${fr(c.deliveries)} lignes, ${fr(c.services)} services, ${fr(r.deliveriesPerSecond)} /s`,
    `  marge d’attribution      ${fr(c.headroom, 3)} × le réalisé (${fr(c.awardedServices)} services attribués)`,
    `  bénéficiaires (lieu-an)  ${fr(c.beneficiaries)}`,
    `  grand livre              ${fr(c.ledgerTransactions)} écritures, ${fr(c.ledgerEntries)} lignes — ${r.ledgerOk ? 'aucun écart' : 'ÉCARTS (voir ci-dessus)'}`,
    `  taille de la base        ${formatBytes(r.sizeBytes)}`,
  ];
}
