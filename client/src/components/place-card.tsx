import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { PlaceSummary } from '../api/places';
import { formatDate, formatNumber, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { isMemberOf, ratio } from '../session';
import { ModeBadge, QualificationBadge } from './badges';
import { RatioBar } from './ratio-bar';

const isRural = (population: number | null) => population !== null && population < ratio().ruralPopulationThreshold;

export function PlaceCard(props: { place: PlaceSummary }) {
  const p = () => props.place;
  return (
    <article class="card place-card" aria-labelledby={`place-${p().id}-name`} data-testid="place-card">
      <header class="place-header">
        <h3 id={`place-${p().id}-name`}>
          <A href={`/lieux/${p().id}`}>{p().name}</A>
        </h3>
        <div class="badges">
          <ModeBadge mode={p().mode} />
          <QualificationBadge status={p().status} />
        </div>
      </header>
      <dl class="place-facts">
        <div>
          <dt>{t('place.mainCommune')}</dt>
          <dd>
            {p().mainCommune.nom} ({p().departement.nom})
            <Show when={isRural(p().mainCommune.population)}>
              <span class="tag"> · {t('place.rural')}</span>
            </Show>
          </dd>
        </div>
        <Show when={p().mode !== 'fixed'}>
          <div>
            <dt>{t('place.communes')}</dt>
            <dd>
              <ul class="inline-list">
                <For each={p().communes}>{(c) => <li>{c.nom}</li>}</For>
              </ul>
            </dd>
          </div>
        </Show>
        <div>
          <dt>{t('place.status')}</dt>
          <dd>
            <Show when={p().qualifiedAt} fallback={t('place.appliedOn', { date: formatDate(p().appliedAt) })}>
              {(date) => t('place.qualifiedOn', { date: formatDate(date()) })}
            </Show>
            <Show when={p().statusReason}>
              {(reason) => <span class="muted"> — {reason()}</span>}
            </Show>
          </dd>
        </div>
        <div>
          <dt>{t('place.capacity')}</dt>
          <dd>{t('place.capacityValue', { count: formatNumber(p().yearlyCapacity) })}</dd>
        </div>
        <div>
          <dt>{t('place.services')}</dt>
          <dd>
            <ul class="chips">
              <For each={p().services}>{(s) => <li>{s}</li>}</For>
            </ul>
          </dd>
        </div>
        <div>
          <dt>{t('place.servicesDelivered')}</dt>
          <dd data-testid="services-delivered">{formatNumber(p().figures.servicesDelivered)}</dd>
        </div>
        <div>
          <dt>{t('place.beneficiaries')}</dt>
          <dd>{formatNumber(p().figures.beneficiaries)}</dd>
        </div>
      </dl>
      <RatioBar
        placeName={p().name}
        year={p().figures.year}
        deliveredCents={p().figures.revenueDeliveredCents}
        committedCents={p().figures.revenueCommittedCents}
        ratio={ratio()}
      />
      <Show when={p().status === 'qualified' && isMemberOf(p().organisationId)}>
        <p class="actions">
          <A class="button" href={`/lieux/${p().id}/pass`} data-testid="place-redeem-link">
            {tp('redeem.action')}
            <span class="visually-hidden"> — {p().name}</span>
          </A>
        </p>
      </Show>
    </article>
  );
}
