import { createResource, For, Show } from 'solid-js';
import { lineAmount } from '../../../shared/money';
import { departementLabel } from '../../../shared/domain/territory';
import { fetchOrdersOfFunder, type Organisation } from '../api/organisations';
import { ErrorBox } from '../components/error-box';
import { money, t } from '../i18n';

export function FunderSpace(props: { organisation: Organisation }) {
  const [orders] = createResource(() => props.organisation.id, fetchOrdersOfFunder);
  return (
    <section aria-labelledby="funder-title">
      <p class="eyebrow">{t('kind.funder')}</p>
      <h1 id="funder-title">{props.organisation.name}</h1>
      <div class="card">
        <h2>{t('funder.organisation')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('funder.siret')}</dt>
            <dd>{props.organisation.siret}</dd>
          </div>
          <div>
            <dt>{t('funder.territory')}</dt>
            <dd>{props.organisation.departementCode ? departementLabel(props.organisation.departementCode) : '—'}</dd>
          </div>
        </dl>
      </div>
      <h2>{t('funder.orders')}</h2>
      <Show when={orders.error}>
        <ErrorBox error={orders.error} />
      </Show>
      <Show when={orders()} fallback={<p class="loading">{t('app.loading')}</p>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p data-testid="orders-empty">{t('funder.ordersEmpty')}</p>}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('funder.orderTitle')}</th>
                  <th scope="col">{t('funder.orderQuantity')}</th>
                  <th scope="col">{t('funder.orderBudget')}</th>
                  <th scope="col">{t('funder.orderStatus')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(order) => (
                    <tr>
                      <td>{order.title}</td>
                      <td>{order.quantity}</td>
                      <td>{money(lineAmount(order.quantity, order.unitPriceCents))}</td>
                      <td>{t(`orderStatus.${order.status}`)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Show>
    </section>
  );
}
