import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { fetchOpenOrders } from '../api/orders';
import { fetchPlacesOfOrganisation } from '../api/places';
import type { Organisation } from '../api/organisations';
import { PlaceList } from '../components/place-list';
import { formatDate, formatNumber, money, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { valueOf } from '../resource';

const SHOWN_ORDERS = 5;

export function ActorSpace(props: { organisation: Organisation }) {
  return (
    <section aria-labelledby="actor-title">
      <p class="eyebrow">{t('kind.actor')}</p>
      <h1 id="actor-title">
        {t('actor.title')} — {props.organisation.name}
      </h1>
      <p>{t('actor.intro')}</p>
      <div class="actions">
        <A class="button" href={`/espace/${props.organisation.id}/candidature`} data-testid="application-link">
          {t('actor.apply')}
        </A>
        <A class="button ghost" href="/pass" data-testid="actor-redeem-link">
          {tp('redeem.action')}
        </A>
        <A class="button ghost" href={`/espace/${props.organisation.id}/commandes`} data-testid="open-orders-link">
          {t('nav.openOrders')}
        </A>
        <A class="button ghost" href={`/espace/${props.organisation.id}/import-prestations`} data-testid="delivery-import-link">
          {t('actor.importDeliveries')}
        </A>
      </div>
      <PlaceList load={() => fetchPlacesOfOrganisation(props.organisation.id)} empty={t('actor.empty')} />
      <OpenOrdersGlance organisationId={props.organisation.id} />
    </section>
  );
}

/** The orders open in the actor's territory, at a glance: the first few, with a link to all of them. */
function OpenOrdersGlance(props: { organisationId: number }) {
  const [orders] = createResource(() => props.organisationId, (organisationId) => fetchOpenOrders({ organisationId }));
  return (
    <Show when={valueOf(orders)}>
      {(list) => (
        <section class="card" aria-labelledby="actor-open-orders">
          <h2 id="actor-open-orders">{t('actor.openOrders', { count: formatNumber(list().length) })}</h2>
          <Show when={list().length > 0} fallback={<p>{t('openOrders.empty')}</p>}>
            <ul class="plain actor-orders">
              <For each={list().slice(0, SHOWN_ORDERS)}>
                {(order) => (
                  <li data-testid="actor-open-order">
                    <A href={`/commandes/${order.id}`}>{order.title}</A>{' '}
                    <span class="muted">
                      {t('actor.orderLine', {
                        count: formatNumber(order.quantity),
                        amount: money(order.totals.amountCents),
                        date: formatDate(order.bidDeadline),
                      })}
                    </span>
                  </li>
                )}
              </For>
            </ul>
            <Show when={list().length > SHOWN_ORDERS}>
              <A href={`/espace/${props.organisationId}/commandes`}>{t('actor.allOpenOrders')}</A>
            </Show>
          </Show>
        </section>
      )}
    </Show>
  );
}
