import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import type { OrderStatus } from '../../../shared/domain/enums';
import { fetchSafeguarding, type SafeguardingReport } from '../api/settlements';
import { OrderStatusBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import type { MessageKey } from '../i18n/fr';
import { money, t } from '../i18n';
import { valueOf } from '../resource';

type Totals = SafeguardingReport['totals'];

/** The totals in reading order: where the money came from, where it went, what is still held. */
const TOTALS: { field: keyof Totals; label: MessageKey }[] = [
  { field: 'paidCents', label: 'safeguarding.paid' },
  { field: 'deliveredCents', label: 'safeguarding.delivered' },
  { field: 'creditedCents', label: 'safeguarding.credited' },
  { field: 'availableCents', label: 'safeguarding.available' },
  { field: 'outstandingCents', label: 'safeguarding.outstanding' },
  { field: 'owedToPlacesCents', label: 'safeguarding.owedToPlaces' },
  { field: 'funderCreditsCents', label: 'safeguarding.funderCredits' },
  { field: 'partnershipsCents', label: 'safeguarding.partnerships' },
];

/** `/cantonnement`: what the ring-fenced accounts hold against what is owed, recomputed from the entries. */
export function SafeguardingPage() {
  const [report] = createResource(fetchSafeguarding);

  return (
    <section aria-labelledby="safeguarding-title">
      <p class="eyebrow">{t('kind.operator')}</p>
      <h1 id="safeguarding-title">{t('safeguarding.title')}</h1>
      <p>{t('safeguarding.intro')}</p>
      <Show when={report.error}>
        <ErrorBox error={report.error} />
      </Show>
      <Show when={valueOf(report)} fallback={<Show when={!report.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(r) => (
          <>
            <section class="card" aria-labelledby="safeguarding-totals">
              <h2 id="safeguarding-totals">{t('safeguarding.totals')}</h2>
              <dl class="facts money-facts safeguarding-totals">
                <For each={TOTALS}>
                  {(total) => (
                    <div>
                      <dt>{t(total.label)}</dt>
                      <dd class="num" data-testid={`safeguarding-${total.field}`} data-cents={r().totals[total.field]}>
                        {money(r().totals[total.field], false)}
                      </dd>
                    </div>
                  )}
                </For>
              </dl>
              <p class={`alert ${r().ok ? 'ok' : 'error'}`} data-testid="safeguarding-status" data-ok={String(r().ok)}>
                {t(r().ok ? 'safeguarding.ok' : 'safeguarding.notOk')}
              </p>
            </section>

            <h2 id="safeguarding-orders">{t('safeguarding.orders')}</h2>
            <Show when={r().orders.length > 0} fallback={<p>{t('safeguarding.empty')}</p>}>
              <div class="table-scroll">
                <table aria-labelledby="safeguarding-orders" class="compact-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('safeguarding.order')}</th>
                      <th scope="col">{t('safeguarding.status')}</th>
                      <th scope="col" class="num">{t('safeguarding.paid')}</th>
                      <th scope="col" class="num">{t('safeguarding.delivered')}</th>
                      <th scope="col" class="num">{t('safeguarding.credited')}</th>
                      <th scope="col" class="num">{t('safeguarding.available')}</th>
                      <th scope="col" class="num">{t('safeguarding.outstanding')}</th>
                      <th scope="col">{t('safeguarding.reconciled')}</th>
                      <th scope="col">{t('safeguarding.covered')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={r().orders}>
                      {(line) => (
                        <tr
                          data-testid="safeguarding-row"
                          data-order-id={line.orderId}
                          data-ok={String(line.reconciled && line.covered)}
                          class={line.reconciled && line.covered ? undefined : 'anomaly'}
                        >
                          <th scope="row">
                            <A href={`/commandes/${line.orderId}`}>{line.title}</A>
                          </th>
                          <td>
                            <OrderStatusBadge status={line.status as OrderStatus} />
                          </td>
                          <td class="num">{money(line.paidCents, false)}</td>
                          <td class="num">{money(line.deliveredCents, false)}</td>
                          <td class="num">{money(line.creditedCents, false)}</td>
                          <td class="num">{money(line.availableCents, false)}</td>
                          <td class="num">{money(line.outstandingCents, false)}</td>
                          <td>
                            <Mark ok={line.reconciled} />
                          </td>
                          <td>
                            <Mark ok={line.covered} />
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

/** Yes or no in words, with a sign that does not rely on colour alone. */
function Mark(props: { ok: boolean }) {
  return (
    <span class={props.ok ? 'mark-ok' : 'mark-ko'}>
      <span aria-hidden="true">{props.ok ? '✓ ' : '✗ '}</span>
      {t(props.ok ? 'form.yes' : 'form.no')}
    </span>
  );
}
