import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { lineAmount } from '../../../shared/money';
import { SubmitBidInput } from '../../../shared/schemas/bids';
import { submitBid, type BidsOfOrder } from '../api/bids';
import { fetchOpenOrders, type Order } from '../api/orders';
import { centsToEurosInput, createSubmission, parseEuros } from '../forms';
import { formatNumber, money, t } from '../i18n';
import { ErrorBox } from './error-box';
import { FormAlert } from './form-alert';
import { TextField } from './text-field';
import { valueOf } from '../resource';

const readQuantity = (text: string | undefined) => {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return 0;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
};

/**
 * An actor's sealed bid on an open order: a quantity for each of its qualified places that cover
 * the order's territory, a unit price up to the order's, a note. Submitting again revises it.
 */
export function BidForm(props: { order: Order; organisationId: number; bids: BidsOfOrder | undefined; onChanged: () => void }) {
  // The server knows which of the actor's places cover this order: those of the open order list.
  const [eligible] = createResource(
    () => props.organisationId,
    async (organisationId) => (await fetchOpenOrders({ organisationId })).find((o) => o.id === props.order.id)?.eligiblePlaces ?? [],
  );
  const own = () => props.bids?.bids.find((b) => b.bidderOrganisationId === props.organisationId && b.status === 'submitted');
  const [quantities, setQuantities] = createStore<Record<number, string>>({});
  const [unitPrice, setUnitPrice] = createSignal(centsToEurosInput(props.order.unitPriceCents));
  const [note, setNote] = createSignal('');
  const [done, setDone] = createSignal('');
  const submission = createSubmission();

  // A standing bid fills the form, so that submitting again revises it; a refetch that brings
  // the same version of the bid leaves what is being typed alone.
  createEffect(
    on(
      () => (own() ? `${own()!.id}:${own()!.version}` : ''),
      () => {
      const bid = own();
      if (!bid) return;
      setUnitPrice(centsToEurosInput(bid.unitPriceCents));
      setNote(bid.note);
      setQuantities(Object.fromEntries(bid.lines.map((l) => [l.placeId, String(l.quantity)])));
      },
    ),
  );

  const priceCents = () => parseEuros(unitPrice());
  const lines = () =>
    (valueOf(eligible) ?? []).map((place) => ({ placeId: place.id, quantity: readQuantity(quantities[place.id]) })).filter((line) => line.quantity !== 0);
  const total = () => {
    const price = priceCents();
    const valid = lines().filter((l) => Number.isSafeInteger(l.quantity));
    return price === undefined ? undefined : valid.reduce((sum, l) => sum + lineAmount(l.quantity, price), 0);
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setDone('');
    const parsed = SubmitBidInput.safeParse({
      orderId: props.order.id,
      organisationId: props.organisationId,
      unitPriceCents: priceCents() ?? Number.NaN,
      note: note(),
      lines: lines(),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    if (parsed.data.unitPriceCents > props.order.unitPriceCents) {
      submission.setError(t('bidForm.priceTooHigh', { price: money(props.order.unitPriceCents, false) }));
      return;
    }
    const revising = !!own();
    if (await submission.run(() => submitBid(parsed.data))) {
      setDone(t(revising ? 'bidForm.revised' : 'bidForm.submitted'));
      props.onChanged();
    }
  };

  return (
    <section class="card" aria-labelledby="bid-form-title">
      <h2 id="bid-form-title">{own() ? t('bidForm.reviseTitle') : t('bidForm.title')}</h2>
      <p class="muted">{t('bidForm.intro')}</p>
      <Show when={eligible.error}>
        <ErrorBox error={eligible.error} />
      </Show>
      <Show when={valueOf(eligible)} fallback={<Show when={!eligible.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(places) => (
          <Show when={places().length > 0} fallback={<p data-testid="bid-no-place">{t('bidForm.noPlace')}</p>}>
            <form class="subform" onSubmit={onSubmit} novalidate data-testid="bid-form">
              <FormAlert message={submission.error()} />
              <fieldset class="field">
                <legend>{t('bidForm.lines')}</legend>
                <p class="hint">{t('bidForm.linesHint', { max: formatNumber(props.order.quantity) })}</p>
                <For each={places()}>
                  {(place) => (
                    <div class="line-input">
                      <label for={`bid-quantity-${place.id}`}>{place.name}</label>
                      <input
                        id={`bid-quantity-${place.id}`}
                        class="quantity"
                        inputMode="numeric"
                        placeholder="0"
                        value={quantities[place.id] ?? ''}
                        onInput={(e) => setQuantities(place.id, e.currentTarget.value)}
                        aria-invalid={Number.isNaN(readQuantity(quantities[place.id]))}
                        data-testid="bid-quantity"
                      />
                    </div>
                  )}
                </For>
                <Show when={submission.fieldError('lines')}>
                  <p class="field-error">{submission.fieldError('lines')}</p>
                </Show>
              </fieldset>
              <TextField
                name="unitPrice"
                id="bid-unit-price"
                label={t('bidForm.unitPrice')}
                hint={t('bidForm.unitPriceHint', { price: money(props.order.unitPriceCents, false) })}
                inputMode="decimal"
                required
                value={unitPrice()}
                onInput={setUnitPrice}
                error={submission.fieldError('unitPriceCents') ?? (priceCents() === undefined ? t('form.eurosInvalid') : undefined)}
              />
              <TextField name="note" id="bid-note" label={t('bidForm.note')} multiline value={note()} onInput={setNote} error={submission.fieldError('note')} />
              <p class="muted" aria-live="polite">
                <Show when={total()}>{(cents) => t('bidForm.total', { amount: money(cents(), false) })}</Show>
              </p>
              <button type="submit" class="button" disabled={submission.pending()} data-testid="bid-submit">
                {submission.pending() ? t('form.sending') : own() ? t('bidForm.revise') : t('bidForm.submit')}
              </button>
              <p role="status" class="success">
                {done()}
              </p>
            </form>
          </Show>
        )}
      </Show>
    </section>
  );
}
