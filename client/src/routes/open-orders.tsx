import { A, useParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { orderDepartements } from '../../../shared/domain/orders';
import { DEPARTEMENTS, departementLabel } from '../../../shared/domain/territory';
import type { OpenOrdersInput } from '../../../shared/schemas/orders';
import { fetchOpenOrders } from '../api/orders';
import { ErrorBox } from '../components/error-box';
import { TextField } from '../components/text-field';
import { formatDate, formatNumber, money, t } from '../i18n';
import { services } from '../session';
import { valueOf } from '../resource';

/** `/espace/:organisationId/commandes`: open orders one of the actor's qualified places could answer. */
export function OpenOrdersPage() {
  const params = useParams();
  const organisationId = () => Number(params.organisationId);
  const [filters, setFilters] = createStore({ departementCode: '', service: '', deadlineBefore: '' });
  const query = (): OpenOrdersInput => ({
    organisationId: organisationId(),
    departementCode: filters.departementCode || undefined,
    service: (filters.service || undefined) as OpenOrdersInput['service'],
    deadlineBefore: filters.deadlineBefore || undefined,
  });
  const [orders] = createResource(query, fetchOpenOrders);

  return (
    <section aria-labelledby="open-orders-title">
      <p class="eyebrow">{t('kind.actor')}</p>
      <h1 id="open-orders-title">{t('openOrders.title')}</h1>
      <p>{t('openOrders.intro')}</p>
      <form class="card filters" role="search" aria-label={t('openOrders.filters')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="filter-departement">{t('operator.departement')}</label>
          <select id="filter-departement" value={filters.departementCode} onChange={(e) => setFilters('departementCode', e.currentTarget.value)}>
            <option value="">{t('openOrders.all')}</option>
            <For each={DEPARTEMENTS}>{(d) => <option value={d.code}>{`${d.code} — ${d.nom}`}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for="filter-service">{t('openOrders.service')}</label>
          <select id="filter-service" value={filters.service} onChange={(e) => setFilters('service', e.currentTarget.value)}>
            <option value="">{t('openOrders.allServices')}</option>
            <For each={services()}>{(s) => <option value={s}>{s}</option>}</For>
          </select>
        </div>
        <TextField
          name="deadlineBefore"
          id="filter-deadline"
          type="date"
          label={t('openOrders.deadlineBefore')}
          value={filters.deadlineBefore}
          onInput={(v) => setFilters('deadlineBefore', v)}
        />
      </form>
      <Show when={orders.error}>
        <ErrorBox error={orders.error} />
      </Show>
      <Show when={valueOf(orders)} fallback={<Show when={!orders.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p data-testid="open-orders-empty">{t('openOrders.empty')}</p>}>
            <p class="muted" role="status">
              {t('openOrders.count', { count: list().length })}
            </p>
            <div class="table-scroll">
              <table>
                <caption class="visually-hidden">{t('openOrders.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('funder.orderTitle')}</th>
                    <th scope="col">{t('order.territory')}</th>
                    <th scope="col">{t('place.services')}</th>
                    <th scope="col" class="num">{t('order.quantity')}</th>
                    <th scope="col" class="num">{t('order.unitPrice')}</th>
                    <th scope="col">{t('order.bidDeadline')}</th>
                    <th scope="col">{t('openOrders.yourPlaces')}</th>
                    <th scope="col" class="num">{t('order.bidCount')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(order) => (
                      <tr data-testid="open-order-row">
                        <th scope="row">
                          <A href={`/commandes/${order.id}`}>{order.title}</A>
                        </th>
                        <td>{orderDepartements(order).map(departementLabel).join(', ')}</td>
                        <td>
                          <ul class="chips">
                            <For each={order.services}>{(s) => <li>{s}</li>}</For>
                          </ul>
                        </td>
                        <td class="num">{formatNumber(order.quantity)}</td>
                        <td class="num">{money(order.unitPriceCents, false)}</td>
                        <td>{formatDate(order.bidDeadline)}</td>
                        <td>{order.eligiblePlaces.map((p) => p.name).join(', ')}</td>
                        <td class="num">{formatNumber(order.totals.bidCount)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  );
}
