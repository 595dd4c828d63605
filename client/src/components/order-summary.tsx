import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { departementLabel } from '../../../shared/domain/territory';
import type { OrderView } from '../api/orders';
import { formatDate, formatNumber, money, t } from '../i18n';
import { OrderStatusBadge, proofOf, ProofBadge } from './badges';
import { ProgressLine } from './progress-line';

/** What the order asks for and where its money stands (amount, budget, funded, awarded, delivered). */
export function OrderSummary(props: { view: OrderView }) {
  const order = () => props.view.order;
  const totals = () => props.view.totals;
  const creator = () => totals().funders.find((f) => f.organisationId === order().funderOrganisationId)?.name;
  return (
    <>
      <header class="order-header">
        <p class="eyebrow">{t('order.eyebrow', { id: order().id })}</p>
        <h1 id="order-title">{order().title}</h1>
        <p class="order-meta">
          <OrderStatusBadge status={order().status} testid="order-status" />
          <Show when={creator()}>{(name) => <span class="muted">{t('order.by', { funder: name() })}</span>}</Show>
        </p>
      </header>
      <div class="order-grid">
        <section class="card" aria-labelledby="order-details">
          <h2 id="order-details">{t('order.details')}</h2>
          <Show when={order().description}>
            <p class="description">{order().description}</p>
          </Show>
          <dl class="facts">
            <div>
              <dt>{t('place.services')}</dt>
              <dd>
                <ul class="chips">
                  <For each={order().services}>{(s) => <li>{s}</li>}</For>
                </ul>
              </dd>
            </div>
            <div>
              <dt>{t('order.territory')}</dt>
              <dd>
                <ul class="inline-list">
                  <For each={order().departementCodes}>{(code) => <li>{departementLabel(code)}</li>}</For>
                  <For each={order().communeCodes}>{(code) => <li>{t('order.commune', { code })}</li>}</For>
                </ul>
              </dd>
            </div>
            <div>
              <dt>{t('order.quantity')}</dt>
              <dd>{t('order.quantityValue', { count: formatNumber(order().quantity) })}</dd>
            </div>
            <div>
              <dt>{t('order.unitPrice')}</dt>
              <dd>{money(order().unitPriceCents, false)}</dd>
            </div>
            <Show when={order().targetPeople > 0}>
              <div>
                <dt>{t('order.targetPeople')}</dt>
                <dd>{formatNumber(order().targetPeople)}</dd>
              </div>
            </Show>
            <div>
              <dt>{t('order.bidDeadline')}</dt>
              <dd>{formatDate(order().bidDeadline)}</dd>
            </div>
            <div>
              <dt>{t('order.window')}</dt>
              <dd>{t('order.windowValue', { from: formatDate(order().deliveryStartsOn), to: formatDate(order().deliveryEndsOn) })}</dd>
            </div>
            <Show when={order().roundId}>
              {(roundId) => (
                <div>
                  <dt>{t('order.round')}</dt>
                  <dd>
                    <A href={`/campagnes/${roundId()}`}>{t('order.roundLink', { id: roundId() })}</A>
                  </dd>
                </div>
              )}
            </Show>
          </dl>
        </section>
        <section class="card" aria-labelledby="order-money">
          <h2 id="order-money">{t('order.money')}</h2>
          <dl class="facts money-facts">
            <div>
              <dt>{t('order.amount')}</dt>
              <dd>{money(totals().amountCents)}</dd>
            </div>
            <div>
              <dt>{t('order.budget')}</dt>
              <dd>{money(totals().budgetCents)}</dd>
            </div>
            <div>
              <dt>{t('order.funded')}</dt>
              <dd data-testid="funded-amount">{money(totals().fundedCents)}</dd>
            </div>
          </dl>
          <ProgressLine
            value={totals().fundedCents}
            max={totals().amountCents}
            label={t('order.fundedLabel', { funded: money(totals().fundedCents), amount: money(totals().amountCents) })}
            text={t('order.fundedShare', { percent: formatNumber(Math.floor((totals().fundedCents * 100) / Math.max(1, totals().amountCents))) })}
          />
          <dl class="facts money-facts">
            <div>
              <dt>{t('order.awarded')}</dt>
              <dd data-testid="awarded-amount">
                {money(totals().awardedCents)} · {t('order.quantityValue', { count: formatNumber(totals().awardedQuantity) })}
              </dd>
            </div>
            <div>
              <dt>{t('order.delivered')}</dt>
              <dd data-testid="delivered-amount">
                {money(totals().deliveredCents)} · {t('order.quantityValue', { count: formatNumber(totals().deliveredQuantity) })}
              </dd>
            </div>
            <div>
              <dt>{t('proof.label')}</dt>
              <dd data-testid="order-proof">
                <ProofBadge proof={proofOf(order().passRequired)} />{' '}
                <span class="muted">{order().passRequired ? t('proof.orderPass') : t('proof.orderDeclared')}</span>
              </dd>
            </div>
            <div>
              <dt>{t('order.bidCount')}</dt>
              <dd>{formatNumber(totals().bidCount)}</dd>
            </div>
          </dl>
        </section>
      </div>
    </>
  );
}
