import { createSignal, For, Show } from 'solid-js';
import type { OrderView } from '../api/orders';
import { money, t } from '../i18n';
import { currentMembership, me } from '../session';
import { CoFundForm } from './co-fund-form';
import { PaymentForm } from './payment-form';

const RECEIVES_MONEY = ['draft', 'open', 'awarding', 'in_delivery'];

/** Who funds the order, how much each paid into the ring-fenced account, and the funding forms. */
export function OrderFunding(props: { view: OrderView; onChanged: () => void }) {
  const funders = () => props.view.totals.funders;
  const [message, setMessage] = createSignal('');
  const onPaid = (text: string) => {
    setMessage(text);
    props.onChanged();
  };
  const memberOf = (organisationId: number) => me()?.memberships.some((m) => m.organisationId === organisationId) ?? false;

  /** The viewer's share: the current organisation's if it funds the order, else the first one it belongs to. */
  const myShare = () => {
    const current = currentMembership()?.organisationId;
    return funders().find((f) => f.organisationId === current) ?? funders().find((f) => memberOf(f.organisationId));
  };
  const open = () => RECEIVES_MONEY.includes(props.view.order.status);
  const canCoFund = () => {
    const current = currentMembership();
    return (
      current?.organisationKind === 'funder' &&
      !funders().some((f) => f.organisationId === current.organisationId) &&
      ['open', 'awarding', 'in_delivery'].includes(props.view.order.status) &&
      props.view.totals.budgetCents < props.view.totals.amountCents
    );
  };

  return (
    <Show when={props.view.viewer.isFunder || canCoFund()}>
      <section class="card" aria-labelledby="order-funding">
        <h2 id="order-funding">{t('funding.title')}</h2>
        <p class="muted">{t('funding.intro')}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('funding.funder')}</th>
              <th scope="col" class="num">{t('funding.share')}</th>
              <th scope="col" class="num">{t('funding.paid')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={funders()}>
              {(f) => (
                <tr>
                  <th scope="row">{f.name}</th>
                  <td class="num">{money(f.committedCents)}</td>
                  <td class="num">{money(f.paidCents)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={open() && myShare()}>
          {(share) => (
            <Show when={share().paidCents < share().committedCents} fallback={<p>{t('funding.fullyPaid')}</p>}>
              <PaymentForm
                orderId={props.view.order.id}
                organisationId={share().organisationId}
                remainingCents={share().committedCents - share().paidCents}
                onPaid={onPaid}
              />
            </Show>
          )}
        </Show>
        <p role="status" class="success" data-testid="payment-status">
          {message()}
        </p>
        <Show when={canCoFund()}>
          <CoFundForm
            orderId={props.view.order.id}
            organisationId={currentMembership()!.organisationId}
            remainingCents={props.view.totals.amountCents - props.view.totals.budgetCents}
            onDone={props.onChanged}
          />
        </Show>
      </section>
    </Show>
  );
}
