import { createMemo, createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { lineAmount } from '../../../shared/money';
import { placeRatioView } from '../../../shared/ratio';
import { AwardInput } from '../../../shared/schemas/bids';
import { createAwards, fetchAllocation } from '../api/awards';
import type { Bid, BidLine } from '../api/bids';
import type { OrderView } from '../api/orders';
import { createSubmission } from '../forms';
import { formatNumber, money, t } from '../i18n';
import { ratio } from '../session';
import { AllocationPanel } from './allocation-panel';
import { RatioBadge } from './badges';
import { FormAlert } from './form-alert';

interface Entry {
  key: string;
  bid: Bid;
  line: BidLine;
}

/** A quantity typed in a cell: blank is 0, anything else must be a whole number. */
const readQuantity = (text: string | undefined) => {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return 0;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
};

/**
 * The creating funder awards lines of standing bids. Before sending, it sees the running total
 * against what is left of the order and of the funded money, and what each award would do to
 * the place's year (DESIGN §3): projected revenue and status, and its declared capacity.
 */
export function AwardForm(props: { view: OrderView; bids: Bid[]; onAwarded: () => void }) {
  const [quantities, setQuantities] = createStore<Record<string, string>>({});
  const [done, setDone] = createSignal('');
  const submission = createSubmission();

  const entries = createMemo<Entry[]>(() =>
    props.bids
      .filter((bid) => bid.status === 'submitted' || bid.status === 'awarded')
      .flatMap((bid) => bid.lines.filter((line) => !line.award && line.placeStatus === 'qualified').map((line) => ({ key: `${bid.id}:${line.placeId}`, bid, line }))),
  );
  const quantity = (entry: Entry) => readQuantity(quantities[entry.key]);
  const valid = (entry: Entry) => Number.isSafeInteger(quantity(entry)) && quantity(entry) <= entry.line.quantity;

  const remainingQuantity = () => props.view.order.quantity - props.view.totals.awardedQuantity;
  const availableCents = () => props.view.totals.fundedCents - props.view.totals.awardedCents;
  const chosen = () => entries().filter((e) => valid(e) && quantity(e) > 0);
  const totalQuantity = () => chosen().reduce((sum, e) => sum + quantity(e), 0);
  const totalCents = () => chosen().reduce((sum, e) => sum + lineAmount(quantity(e), e.bid.unitPriceCents), 0);

  /** What this form would add to each place (a place may appear in several bids). */
  const extraForPlace = (placeId: number) =>
    chosen()
      .filter((e) => e.line.placeId === placeId)
      .reduce((acc, e) => ({ services: acc.services + quantity(e), cents: acc.cents + lineAmount(quantity(e), e.bid.unitPriceCents) }), { services: 0, cents: 0 });
  const projection = (entry: Entry) => {
    const f = entry.line.figures;
    const extra = extraForPlace(entry.line.placeId);
    return {
      now: placeRatioView(f, ratio()),
      after: placeRatioView({ revenueDeliveredCents: f.revenueDeliveredCents, revenueCommittedCents: f.revenueCommittedCents + extra.cents }, ratio()),
      services: f.servicesDelivered + f.servicesCommitted + extra.services,
    };
  };
  const overCapacity = (entry: Entry) => projection(entry).services > entry.line.yearlyCapacity;

  const overQuantity = () => totalQuantity() > remainingQuantity();
  const overFunds = () => totalCents() > availableCents();
  const blocked = () => totalQuantity() === 0 || overQuantity() || overFunds() || entries().some((e) => !valid(e) || overCapacity(e));

  /** The consolidating proposal fills every input: its quantity for a recommended line, 0 for the others. */
  const applyProposal = (lines: { bidId: number; placeId: number; quantity: number }[]) => {
    const proposed = new Map(lines.map((l) => [`${l.bidId}:${l.placeId}`, l.quantity]));
    setQuantities(Object.fromEntries(entries().map((e) => [e.key, String(proposed.get(e.key) ?? 0)])));
  };
  const describeLine = (bidId: number, placeId: number) => {
    const entry = entries().find((e) => e.key === `${bidId}:${placeId}`);
    return entry && { place: entry.line.placeName, bidder: entry.bid.bidderName };
  };
  const proposalKey = () => `${props.view.order.id}:${props.view.totals.awardedQuantity}:${props.view.totals.fundedCents}:${entries().map((e) => e.key).join(',')}`;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setDone('');
    const parsed = AwardInput.safeParse({
      orderId: props.view.order.id,
      lines: chosen().map((e) => ({ bidId: e.bid.id, placeId: e.line.placeId, quantity: quantity(e) })),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const count = totalQuantity();
    if (await submission.run(() => createAwards(parsed.data))) {
      setQuantities(Object.fromEntries(Object.keys(quantities).map((k) => [k, ''])));
      setDone(t('award.done', { count: formatNumber(count) }));
      props.onAwarded();
    }
  };

  return (
    <form class="subform award-form" onSubmit={onSubmit} novalidate data-testid="award-form" aria-labelledby="award-title">
      <h3 id="award-title">{t('award.title')}</h3>
      <p class="muted">{t('award.intro', { year: props.view.order.deliveryStartsOn.slice(0, 4) })}</p>
      <FormAlert message={submission.error() ?? undefined} />
      <Show when={entries().length > 0} fallback={<p>{t('award.nothing')}</p>}>
        <AllocationPanel load={() => fetchAllocation(props.view.order.id)} refreshKey={proposalKey()} describe={describeLine} onApply={applyProposal} />
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('award.place')}</th>
                <th scope="col">{t('bids.bidder')}</th>
                <th scope="col" class="num">{t('award.offered')}</th>
                <th scope="col" class="num">{t('bids.unitPrice')}</th>
                <th scope="col">{t('award.now')}</th>
                <th scope="col">{t('award.after')}</th>
                <th scope="col">{t('award.capacity')}</th>
                <th scope="col">{t('award.quantity')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={entries()}>
                {(entry) => {
                  const inputId = `award-${entry.key.replace(':', '-')}`;
                  const errorId = `${inputId}-error`;
                  const rowError = () =>
                    !valid(entry)
                      ? t('award.lineInvalid', { max: formatNumber(entry.line.quantity) })
                      : overCapacity(entry)
                        ? t('award.lineCapacity', { count: formatNumber(projection(entry).services), capacity: formatNumber(entry.line.yearlyCapacity) })
                        : undefined;
                  return (
                    <tr data-testid="award-line" classList={{ invalid: !!rowError() }}>
                      <th scope="row">{entry.line.placeName}</th>
                      <td>{entry.bid.bidderName}</td>
                      <td class="num">{formatNumber(entry.line.quantity)}</td>
                      <td class="num">{money(entry.bid.unitPriceCents, false)}</td>
                      <td>
                        {money(projection(entry).now.projectedCents)} <RatioBadge status={projection(entry).now.projectedStatus} />
                      </td>
                      <td data-testid="award-projection">
                        {money(projection(entry).after.projectedCents)} <RatioBadge status={projection(entry).after.projectedStatus} />
                      </td>
                      <td>
                        {t('award.capacityValue', { count: formatNumber(projection(entry).services), capacity: formatNumber(entry.line.yearlyCapacity) })}
                      </td>
                      <td>
                        <label for={inputId} class="visually-hidden">
                          {t('award.quantityLabel', { place: entry.line.placeName, bidder: entry.bid.bidderName })}
                        </label>
                        <input
                          id={inputId}
                          class="quantity"
                          inputMode="numeric"
                          placeholder="0"
                          value={quantities[entry.key] ?? ''}
                          onInput={(e) => setQuantities(entry.key, e.currentTarget.value)}
                          aria-invalid={!!rowError()}
                          aria-describedby={rowError() ? errorId : undefined}
                          data-testid="award-quantity"
                        />
                        <button
                          type="button"
                          class="link-button small"
                          onClick={() => setQuantities(entry.key, String(entry.line.quantity))}
                          aria-label={t('award.fillLabel', { place: entry.line.placeName })}
                        >
                          {t('award.fill')}
                        </button>
                        <Show when={rowError()}>
                          <p id={errorId} class="field-error">
                            {rowError()}
                          </p>
                        </Show>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </div>
        <div class="award-total" classList={{ over: overQuantity() || overFunds() }} aria-live="polite" data-testid="award-total">
          <p classList={{ 'field-error': overQuantity() }}>
            {t('award.totalQuantity', { count: formatNumber(totalQuantity()), remaining: formatNumber(remainingQuantity()) })}
          </p>
          <p classList={{ 'field-error': overFunds() }}>
            {t('award.totalAmount', { amount: money(totalCents(), false), available: money(availableCents(), false) })}
          </p>
        </div>
        <Show when={submission.fieldError('lines')}>
          <p class="field-error">{submission.fieldError('lines')}</p>
        </Show>
        <button type="submit" class="button" disabled={submission.pending() || blocked()} data-testid="award-submit">
          {submission.pending() ? t('form.sending') : t('award.submit')}
        </button>
      </Show>
      <p role="status" class="success">
        {done()}
      </p>
    </form>
  );
}
