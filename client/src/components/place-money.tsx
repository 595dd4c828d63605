import { A } from '@solidjs/router';
import { createEffect, createResource, For, on, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { monthOf } from '../../../shared/domain/months';
import { todayIso } from '../../../shared/domain/orders';
import { fetchPayoutsOfPlace, type Payout, type StatementStatus } from '../api/settlements';
import { formatDate, formatMonth, money, t } from '../i18n';
import { valueOf } from '../resource';
import { ErrorBox } from './error-box';

/** A payout's or statement's stage: estimated (not settled yet), settled and awaiting payment, paid. */
export function MoneyStatusBadge(props: { status: StatementStatus; testid?: string }) {
  return (
    <span class={`badge payout-${props.status}`} data-testid={props.testid} data-status={props.status}>
      {t(`payout.status.${props.status}`)}
    </span>
  );
}

/** The year's figures the block splits; settled and paid may be absent from an older answer. */
export interface MoneyFigures {
  year: number;
  revenueDeliveredCents: number;
  revenueSettledCents?: number;
  revenuePaidCents?: number;
}

/**
 * A place's counter-payments for the year: what is recorded but not settled yet (estimated),
 * what a monthly settlement holds awaiting the transfer, what is paid; then its payouts.
 * The figures come from the place page's live store, so the block follows each settlement run
 * and each payout marked paid without reload.
 */
export function PlaceMoney(props: { placeId: number; figures: MoneyFigures }) {
  const settled = () => props.figures.revenueSettledCents ?? 0;
  const paid = () => props.figures.revenuePaidCents ?? 0;
  const amounts = () => [
    { key: 'estimated', cents: props.figures.revenueDeliveredCents - settled(), label: t('placeMoney.estimated') },
    { key: 'settled', cents: settled() - paid(), label: t('placeMoney.settled') },
    { key: 'paid', cents: paid(), label: t('placeMoney.paid') },
  ];

  const [payouts, { refetch }] = createResource(() => props.placeId, fetchPayoutsOfPlace);
  const [list, setList] = createStore<Payout[]>([]);
  createEffect(() => {
    const rows = valueOf(payouts);
    if (rows) setList(reconcile(rows, { key: 'id' }));
  });
  // A run or a payment moves settled or paid: the payouts list follows.
  createEffect(on([settled, paid], () => void refetch(), { defer: true }));

  const currentMonth = () => monthOf(todayIso());

  return (
    <section class="card place-money" aria-labelledby="place-money-title" data-testid="place-money">
      <h2 id="place-money-title">{t('placeMoney.title', { year: props.figures.year })}</h2>
      <p class="muted">{t('placeMoney.intro')}</p>
      <dl class="money-split" aria-live="polite">
        <For each={amounts()}>
          {(amount) => (
            <div class={`money-${amount.key}`}>
              <dt>{amount.label}</dt>
              <dd data-testid={`money-${amount.key}`} data-cents={amount.cents}>
                {money(amount.cents, false)}
              </dd>
            </div>
          )}
        </For>
      </dl>

      <h3>{t('placeMoney.payouts')}</h3>
      <Show when={payouts.error}>
        <ErrorBox error={payouts.error} />
      </Show>
      <Show when={valueOf(payouts)} fallback={<Show when={!payouts.error}><p class="loading">{t('app.loading')}</p></Show>}>
        <Show when={list.length > 0} fallback={<p data-testid="place-payouts-empty">{t('placeMoney.noPayouts')}</p>}>
          <div class="table-scroll">
            <table class="compact-table">
              <caption class="visually-hidden">{t('placeMoney.payouts')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('placeMoney.month')}</th>
                  <th scope="col" class="num">{t('placeMoney.net')}</th>
                  <th scope="col">{t('placeMoney.status')}</th>
                  <th scope="col">{t('placeMoney.reference')}</th>
                  <th scope="col">{t('placeMoney.statement')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={list}>
                  {(payout) => (
                    <tr data-testid="place-payout" data-month={payout.month} data-status={payout.status}>
                      <th scope="row">{formatMonth(payout.month)}</th>
                      <td class="num">{money(payout.netCents, false)}</td>
                      <td>
                        <MoneyStatusBadge status={payout.status} />
                      </td>
                      <td>
                        <Show when={payout.paymentReference} fallback={<span class="muted">—</span>}>
                          {payout.paymentReference}
                          <Show when={payout.paidOn}>{(date) => <span class="tag block">{formatDate(date())}</span>}</Show>
                        </Show>
                      </td>
                      <td>
                        <A href={`/lieux/${props.placeId}/releves/${payout.month}`} aria-label={t('placeMoney.statementOf', { month: formatMonth(payout.month) })}>
                          {t('placeMoney.statement')}
                        </A>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
      <p>
        <A href={`/lieux/${props.placeId}/releves/${currentMonth()}`}>{t('placeMoney.currentStatement')}</A>
      </p>
    </section>
  );
}
