import { A, useParams } from '@solidjs/router';
import { createEffect, createResource, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { QualificationStatus } from '../../../shared/domain/enums';
import { acceptsDeliveries } from '../../../shared/domain/orders';
import { lineAmount } from '../../../shared/money';
import { fetchAwardsOfPlace, type PlaceAward } from '../api/awards';
import { fetchPlace, type PlaceSummary } from '../api/places';
import { ModeBadge, proofOf, ProofBadge, QualificationBadge } from '../components/badges';
import { DeliveryForm } from '../components/delivery-form';
import { ErrorBox } from '../components/error-box';
import { PlaceMoney } from '../components/place-money';
import { ProgressLine } from '../components/progress-line';
import { RangeMeter } from '../components/range-meter';
import { RatioBar } from '../components/ratio-bar';
import { formatDate, formatNumber, money, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { useRoom } from '../realtime';
import { me, ratio } from '../session';
import { valueOf } from '../resource';

/** `/lieux/:placeId`: one place's year against the ratio, live; a new id mounts a new page. */
export function PlacePage() {
  const params = useParams();
  return (
    <Show when={Number(params.placeId)} keyed>
      {(placeId) => <PlaceView placeId={placeId} />}
    </Show>
  );
}

type Figures = PlaceSummary['figures'];

function PlaceView(props: { placeId: number }) {
  const [loaded, { refetch }] = createResource(() => props.placeId, fetchPlace);
  const [awards, { refetch: refetchAwards }] = createResource(() => props.placeId, fetchAwardsOfPlace);
  const [place, setPlace] = createStore<{ current?: PlaceSummary }>({});
  const [awardList, setAwardList] = createStore<PlaceAward[]>([]);
  createEffect(() => {
    const p = valueOf(loaded);
    if (p) setPlace('current', reconcile(p));
  });
  createEffect(() => {
    const list = valueOf(awards);
    if (list) setAwardList(reconcile(list, { key: 'id' }));
  });

  /** New figures, from the room or from our own delivery: merged for the year on screen. */
  const mergeFigures = (figures: Figures) => {
    if (place.current && figures.year === place.current.figures.year) setPlace('current', 'figures', figures);
  };

  // Figures arrive with each delivery or award anywhere; the awards' progress follows by refetch.
  useRoom(
    `place:${props.placeId}`,
    'place.figures',
    (message) => {
      const { placeId: _placeId, ...figures } = message.payload;
      mergeFigures(figures);
      void refetchAwards();
    },
    () => {
      void refetch();
      void refetchAwards();
    },
  );
  useRoom(
    `place:${props.placeId}`,
    'place.status',
    (message) => place.current && setPlace('current', 'status', message.payload.status as QualificationStatus),
    () => void refetch(),
  );

  const isMember = () => !!place.current && (me()?.memberships.some((m) => m.organisationId === place.current!.organisationId) ?? false);
  const canDeliver = (award: PlaceAward) =>
    isMember() && place.current?.status === 'qualified' && acceptsDeliveries(award.orderStatus) && award.deliveredQuantity < award.quantity;

  return (
    <>
      <Show when={loaded.error}>
        <ErrorBox error={loaded.error} />
      </Show>
      <Show when={place.current} fallback={<Show when={!loaded.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(p) => (
          <article aria-labelledby="place-title">
            <p class="eyebrow">{t('placePage.eyebrow')}</p>
            <header class="place-header">
              <h1 id="place-title">{p().name}</h1>
              <div class="badges">
                <ModeBadge mode={p().mode} />
                <QualificationBadge status={p().status} />
              </div>
            </header>
            <p class="muted">
              {p().mainCommune.nom} ({p().departement.nom})
              <Show when={p().qualifiedAt}>{(date) => <> · {t('place.qualifiedOn', { date: formatDate(date()) })}</>}</Show>
            </p>
            <Show when={isMember() && p().status === 'qualified'}>
              <p class="actions">
                <A class="button" href={`/lieux/${p().id}/pass`} data-testid="redeem-pass-link">
                  {tp('redeem.action')}
                </A>
              </p>
            </Show>

            <section class="card" aria-labelledby="gauge-title">
              <h2 id="gauge-title">{t('placePage.revenue', { year: p().figures.year })}</h2>
              <p class="muted">{t('ratio.band', { floor: money(ratio().floorCents), ceiling: money(ratio().ceilingCents) })}</p>
              <div data-testid="place-gauge" aria-live="polite">
                <RatioBar
                  placeName={p().name}
                  year={p().figures.year}
                  deliveredCents={p().figures.revenueDeliveredCents}
                  committedCents={p().figures.revenueCommittedCents}
                  ratio={ratio()}
                  gauge
                />
              </div>
            </section>

            <div class="order-grid">
              <section class="card" aria-labelledby="services-title">
                <h2 id="services-title">{t('place.servicesDelivered')}</h2>
                <p class="kpi-value" data-testid="services-delivered">
                  {formatNumber(p().figures.servicesDelivered)}
                </p>
                <p class="muted">
                  {t('placePage.servicesRange', {
                    min: formatNumber(ratio().servicesPerPlace.min),
                    max: formatNumber(ratio().servicesPerPlace.max),
                    capacity: formatNumber(p().yearlyCapacity),
                  })}
                </p>
                <RangeMeter
                  value={p().figures.servicesDelivered}
                  min={ratio().servicesPerPlace.min}
                  max={ratio().servicesPerPlace.max}
                  marker={p().yearlyCapacity}
                  label={t('placePage.servicesLabel', {
                    count: formatNumber(p().figures.servicesDelivered),
                    min: formatNumber(ratio().servicesPerPlace.min),
                    max: formatNumber(ratio().servicesPerPlace.max),
                    capacity: formatNumber(p().yearlyCapacity),
                  })}
                />
                <p class="muted">{t('placePage.committedServices', { count: formatNumber(p().figures.servicesCommitted) })}</p>
              </section>
              <section class="card" aria-labelledby="people-title">
                <h2 id="people-title">{t('place.beneficiaries')}</h2>
                <p class="kpi-value" data-testid="beneficiaries">
                  {formatNumber(p().figures.beneficiaries)}
                </p>
                <p class="muted">
                  {t('placePage.peopleRange', { min: formatNumber(ratio().peoplePerPlace.min), max: formatNumber(ratio().peoplePerPlace.max) })}
                </p>
                <RangeMeter
                  value={p().figures.beneficiaries}
                  min={ratio().peoplePerPlace.min}
                  max={ratio().peoplePerPlace.max}
                  label={t('placePage.peopleLabel', {
                    count: formatNumber(p().figures.beneficiaries),
                    min: formatNumber(ratio().peoplePerPlace.min),
                    max: formatNumber(ratio().peoplePerPlace.max),
                  })}
                />
              </section>
            </div>

            <PlaceMoney placeId={p().id} figures={p().figures} />

            <section aria-labelledby="place-awards-title">
              <h2 id="place-awards-title">{t('placePage.awards')}</h2>
              <Show when={awards.error}>
                <ErrorBox error={awards.error} />
              </Show>
              <Show when={valueOf(awards)} fallback={<Show when={!awards.error}><p class="loading">{t('app.loading')}</p></Show>}>
                <Show when={awardList.length > 0} fallback={<p data-testid="place-awards-empty">{t('placePage.noAwards')}</p>}>
                  <ul class="award-list">
                    <For each={awardList}>
                      {(award) => (
                        <li class="card" data-testid="place-award" aria-labelledby={`award-${award.id}-title`}>
                          <h3 id={`award-${award.id}-title`}>
                            <A href={`/commandes/${award.orderId}`}>{award.orderTitle}</A> <ProofBadge proof={proofOf(award.passRequired)} />
                          </h3>
                          <p class="muted">
                            {t('order.windowValue', { from: formatDate(award.deliveryStartsOn), to: formatDate(award.deliveryEndsOn) })} ·{' '}
                            {t('placePage.awardValue', {
                              count: formatNumber(award.quantity),
                              price: money(award.unitPriceCents, false),
                              amount: money(lineAmount(award.quantity, award.unitPriceCents)),
                            })}
                          </p>
                          <ProgressLine
                            value={award.deliveredQuantity}
                            max={award.quantity}
                            label={t('awards.progressLabel', { place: p().name, delivered: award.deliveredQuantity, quantity: award.quantity })}
                            text={t('awards.progressValue', { delivered: formatNumber(award.deliveredQuantity), quantity: formatNumber(award.quantity) })}
                            testid="award-progress"
                          />
                          <Show when={canDeliver(award)}>
                            {/* A pass order takes no declared delivery (the server refuses it): its services are redeemed pass. */}
                            <Show
                              when={!award.passRequired}
                              fallback={
                                <p class="redeem-hint" data-testid="award-needs-pass">
                                  {tp('redeem.awardNeedsPass')}{' '}
                                  <A href={`/lieux/${p().id}/pass`}>{tp('redeem.action')}</A>
                                </p>
                              }
                            >
                              <DeliveryForm award={award} organisationId={p().organisationId} onRecorded={(figures) => {
                                for (const f of figures) mergeFigures(f);
                                void refetchAwards();
                              }} />
                            </Show>
                          </Show>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </Show>
            </section>
          </article>
        )}
      </Show>
    </>
  );
}
