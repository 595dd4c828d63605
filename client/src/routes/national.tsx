import { A } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { BALANCE_STATUSES } from '../../../shared/ratio';
import type { DepartementBalance, NationalDashboard } from '../api/dashboards';
import { fetchNationalSummary } from '../api/organisations';
import { fetchOpenDataPlaces, fetchOperatorPlacesExport } from '../api/places';
import { BalanceBadge } from '../components/badges';
import { DeclaredServices, PlacesByStatus, RangePosition, sustainableRange } from '../components/dashboard-parts';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { RangeMeter } from '../components/range-meter';
import { ScrollRegion } from '../components/scroll-region';
import { RevenueHistogram } from '../components/revenue-histogram';
import { downloadFile } from '../download';
import { createSubmission } from '../forms';
import { formatNumber, money, t } from '../i18n';
import { useLiveNational, type Audience } from '../live-dashboards';
import { valueOf } from '../resource';
import { ratio } from '../session';

/** `/national` (operator) — the national dashboard, live on the operator's room. */
export function NationalPage() {
  return <NationalDashboardView audience="member" />;
}

/** `/public/national` — the same aggregates for anyone, live on the public room. */
export function PublicNationalPage() {
  return <NationalDashboardView audience="public" />;
}

/**
 * The nation against the scheme's figures: qualified places vs the 3 000 target, money mobilised vs
 * the 45–75 M€ need (12 M€ today), places by status, services and people per place vs their ranges,
 * and the départements' balance, sortable.
 */
function NationalDashboardView(props: { audience: Audience }) {
  const live = useLiveNational(props.audience);
  return (
    <section aria-labelledby="national-title">
      <p class="eyebrow">{props.audience === 'public' ? t('national.publicEyebrow') : t('kind.operator')}</p>
      <h1 id="national-title">{t('operator.title')}</h1>
      <Show when={live.error()}>
        <ErrorBox error={live.error()} />
      </Show>
      <Show when={live.dashboard()} fallback={<Show when={!live.error()}><p class="loading">{t('app.loading')}</p></Show>}>
        {(d) => <NationalFigures dashboard={d()} audience={props.audience} />}
      </Show>
    </section>
  );
}

function NationalFigures(props: { dashboard: NationalDashboard; audience: Audience }) {
  const d = () => props.dashboard;
  const places = () => d().places;
  return (
    <div class="dashboard" data-testid="national-dashboard">
      <div class="actions">
        <Show when={props.audience === 'member'}>
          <A class="button ghost" href="/public/national" data-testid="public-link">
            {t('national.publicLink')}
          </A>
          <A class="button ghost" href="/campagnes">
            {t('rounds.title')}
          </A>
        </Show>
      </div>
      <div class="kpis">
        <div class="card kpi">
          <p class="kpi-label">{t('operator.qualified')}</p>
          <p class="kpi-value" data-testid="qualified-places">
            {formatNumber(places().qualifiedPlaces)}
          </p>
          <p class="muted">{t('operator.target', { target: formatNumber(d().targetPlaces) })}</p>
          <progress
            max={d().targetPlaces}
            value={Math.min(places().qualifiedPlaces, d().targetPlaces)}
            aria-label={t('operator.progressLabel', { count: formatNumber(places().qualifiedPlaces), target: formatNumber(d().targetPlaces) })}
          />
        </div>
        <Show when={props.audience === 'member'}>
          <QueueFigures />
        </Show>
        <div class="card kpi">
          <p class="kpi-label">{t('national.servicesDelivered', { year: d().year })}</p>
          <p class="kpi-value">{formatNumber(places().servicesDelivered)}</p>
          <p class="muted">{t('national.revenueDelivered', { amount: money(places().revenueDeliveredCents) })}</p>
          <p class="muted" data-testid="national-settlement">
            {t('national.revenueSettlement', {
              estimated: money(places().revenueDeliveredCents - places().revenueSettledCents),
              settled: money(places().revenueSettledCents),
              paid: money(places().revenuePaidCents),
            })}
          </p>
        </div>
      </div>

      <section class="card" aria-labelledby="national-money">
        <h2 id="national-money">{t('national.money', { year: d().year })}</h2>
        <p class="big-figure" data-testid="mobilised">
          {money(d().mobilisedCents)}
        </p>
        <RangeMeter
          value={d().mobilisedCents}
          min={d().needCents.min}
          max={d().needCents.max}
          marker={d().currentReferenceCents}
          label={t('national.mobilisedLabel', {
            amount: money(d().mobilisedCents),
            min: money(d().needCents.min),
            max: money(d().needCents.max),
            reference: money(d().currentReferenceCents),
          })}
        />
        <p>
          {t('national.mobilisedText', {
            amount: money(d().mobilisedCents),
            min: money(d().needCents.min),
            max: money(d().needCents.max),
            reference: money(d().currentReferenceCents),
          })}
        </p>
        <ul class="legend">
          <li>
            <span class="swatch band" aria-hidden="true" />
            {t('national.needLegend', { min: money(d().needCents.min), max: money(d().needCents.max) })}
          </li>
          <li>
            <span class="swatch value" aria-hidden="true" />
            {t('national.mobilisedLegend')}
          </li>
          <li>
            <span class="swatch marker" aria-hidden="true" />
            {t('national.referenceLegend', { reference: money(d().currentReferenceCents) })}
          </li>
        </ul>
        <h3 id="national-orders">{t('national.orders', { year: d().year })}</h3>
        <dl class="facts money-facts">
          <For each={['postedCents', 'fundedCents', 'awardedCents', 'deliveredCents'] as const}>
            {(key) => (
              <div>
                <dt>{t(`roundMoney.${key}`)}</dt>
                <dd>{money(d().money[key])}</dd>
              </div>
            )}
          </For>
        </dl>
        <DeclaredServices proof={d().proof} testid="national-declared" />
      </section>

      <section class="card" aria-labelledby="national-places">
        <h2 id="national-places">{t('national.places', { year: d().year })}</h2>
        <PlacesByStatus places={places()} year={d().year} labelledBy="national-places" testid="places-by-status" />
        <RevenueHistogram bins={places().histogram} ratio={ratio()} year={d().year} />
      </section>

      <section class="card" aria-labelledby="national-ranges">
        <h2 id="national-ranges">{t('national.ranges')}</h2>
        <div class="dashboard-grid">
          <RangePosition
            position={places().servicesRange}
            range={ratio().servicesPerPlace}
            caption={t('national.servicesRange', { min: formatNumber(ratio().servicesPerPlace.min), max: formatNumber(ratio().servicesPerPlace.max) })}
            testid="services-range"
          />
          <RangePosition
            position={places().peopleRange}
            range={ratio().peoplePerPlace}
            caption={t('national.peopleRange', { min: formatNumber(ratio().peoplePerPlace.min), max: formatNumber(ratio().peoplePerPlace.max) })}
            testid="people-range"
          />
        </div>
      </section>

      <section class="card" aria-labelledby="by-departement">
        <h2 id="by-departement">{t('operator.byDepartement')}</h2>
        <SortableDepartements departements={d().departements} year={d().year} />
      </section>

      <OpenDataDownloads audience={props.audience} />
    </div>
  );
}

/**
 * The qualified places as open data, in the national « lieux de médiation numérique » standard
 * (decision 0014); the operator's copy adds each place's revenue this year.
 */
function OpenDataDownloads(props: { audience: Audience }) {
  const download = createSubmission();
  const [saved, setSaved] = createSignal('');
  const formats = ['json', 'csv'] as const;
  const save = (format: (typeof formats)[number], withRevenue: boolean) =>
    download.run(async () => {
      const file = withRevenue ? await fetchOperatorPlacesExport(format) : await fetchOpenDataPlaces(format);
      downloadFile(file, format === 'json' ? 'application/json;charset=utf-8' : 'text/csv;charset=utf-8');
      setSaved(t('openData.downloaded', { filename: file.filename }));
    });
  return (
    <section class="card" aria-labelledby="open-data">
      <h2 id="open-data">{t('openData.title')}</h2>
      <p>{t('openData.intro')}</p>
      <FormAlert message={download.error()} />
      <div class="actions">
        <For each={formats}>
          {(format) => (
            <button type="button" class="button ghost" disabled={download.pending()} onClick={() => void save(format, false)} data-testid={`open-data-${format}`}>
              {t('openData.download', { format: format.toUpperCase() })}
            </button>
          )}
        </For>
      </div>
      <Show when={props.audience === 'member'}>
        <p class="muted">{t('openData.operatorIntro')}</p>
        <div class="actions">
          <For each={formats}>
            {(format) => (
              <button type="button" class="button ghost" disabled={download.pending()} onClick={() => void save(format, true)} data-testid={`operator-places-${format}`}>
                {t('openData.operatorDownload', { format: format.toUpperCase() })}
              </button>
            )}
          </For>
        </div>
      </Show>
      <p class="muted" role="status">
        {saved()}
      </p>
    </section>
  );
}

/** Applications and suspensions waiting for the operator (the qualification queue's figures). */
function QueueFigures() {
  const [summary] = createResource(fetchNationalSummary);
  return (
    <Show when={valueOf(summary)}>
      {(s) => (
        <div class="card kpi">
          <p class="kpi-label">{t('operator.applied')}</p>
          <p class="kpi-value">{formatNumber(s().appliedPlaces)}</p>
          <p class="muted">
            {t('national.suspended', { count: formatNumber(s().suspendedPlaces) })} · <A href="/qualification">{t('nav.qualification')}</A>
          </p>
        </div>
      )}
    </Show>
  );
}

type SortKey = 'code' | 'status' | 'funding' | 'places';
const STATUS_RANK = Object.fromEntries(BALANCE_STATUSES.map((s, i) => [s, i])) as Record<DepartementBalance['status'], number>;

/** The départements' balance, sortable by balance status, F or N with buttons in the column headers. */
function SortableDepartements(props: { departements: readonly DepartementBalance[]; year: number }) {
  const [sort, setSort] = createSignal<{ key: SortKey; descending: boolean }>({ key: 'code', descending: false });
  const sorted = createMemo(() => {
    const { key, descending } = sort();
    const value = (d: DepartementBalance) =>
      key === 'status' ? STATUS_RANK[d.status] : key === 'funding' ? d.fundingCents : key === 'places' ? d.qualifiedPlaces : 0;
    const list = [...props.departements].sort((a, b) => value(a) - value(b) || a.code.localeCompare(b.code));
    return descending ? list.reverse() : list;
  });
  const toggle = (key: SortKey) =>
    setSort((current) => (current.key === key ? { key, descending: !current.descending } : { key, descending: key !== 'status' }));
  const ariaSort = (key: SortKey) => (sort().key === key ? (sort().descending ? 'descending' : 'ascending') : 'none');

  const SortButton = (p: { key: SortKey; label: string }) => (
    <button type="button" class="sort-button" onClick={() => toggle(p.key)} data-testid="departements-sort" data-sort={p.key}>
      {p.label}
      <span aria-hidden="true" class="sort-arrow">
        {sort().key === p.key ? (sort().descending ? '▼' : '▲') : '↕'}
      </span>
    </button>
  );

  return (
    <ScrollRegion label={t('operator.byDepartement')}>
      <table aria-labelledby="by-departement" aria-describedby="by-departement-hint">
        <caption id="by-departement-hint" class="caption-hint">
          {t('national.sortHint', { year: props.year })}
        </caption>
        <thead>
          <tr>
            <th scope="col" aria-sort={ariaSort('code')}>
              {t('operator.departement')}
            </th>
            <th scope="col" class="num" aria-sort={ariaSort('funding')}>
              <SortButton key="funding" label={t('map.funding')} />
            </th>
            <th scope="col" class="num" aria-sort={ariaSort('places')}>
              <SortButton key="places" label={t('map.places')} />
            </th>
            <th scope="col">{t('balance.range')}</th>
            <th scope="col" aria-sort={ariaSort('status')}>
              <SortButton key="status" label={t('map.status')} />
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={sorted()}>
            {(d) => (
              <tr data-testid="departement-row" data-code={d.code} data-status={d.status}>
                <th scope="row">
                  {d.nom} ({d.code})
                </th>
                <td class="num">{money(d.fundingCents)}</td>
                <td class="num">{formatNumber(d.qualifiedPlaces)}</td>
                <td>{sustainableRange(d)}</td>
                <td>
                  <BalanceBadge status={d.status} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </ScrollRegion>
  );
}
