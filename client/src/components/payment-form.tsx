import { createResource, createSignal, Show } from 'solid-js';
import { RecordPaymentInput } from '../../../shared/schemas/orders';
import { fetchCredits } from '../api/credits';
import { recordPayment } from '../api/orders';
import { centsToEurosInput, createIdempotencyKey, createSubmission, parseEuros } from '../forms';
import { money, t } from '../i18n';
import { valueOf } from '../resource';
import { ChoiceGroup } from './choice-group';
import { FormAlert } from './form-alert';
import { TextField } from './text-field';

/**
 * A funder pays into the order's ring-fenced account, by a new transfer or from its credit
 * notes (avoirs). One idempotency key per submission: retrying the same amount and reference
 * after a lost answer cannot pay twice.
 */
export function PaymentForm(props: { orderId: number; organisationId: number; remainingCents: number; onPaid: (message: string) => void }) {
  const [amount, setAmount] = createSignal(centsToEurosInput(props.remainingCents));
  const [reference, setReference] = createSignal('');
  const [source, setSource] = createSignal<'transfer' | 'credit'>('transfer');
  // The credit is only asked for once the funder considers paying from it.
  const [credits, { refetch: refetchCredits }] = createResource(() => (source() === 'credit' ? props.organisationId : undefined), fetchCredits);
  const balance = () => valueOf(credits)?.balanceCents;
  const key = createIdempotencyKey();
  const submission = createSubmission();
  // Different content is a different submission: it gets its own key.
  const edit = (set: (v: string) => void) => (value: string) => {
    key.forget();
    set(value);
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const cents = parseEuros(amount());
    const parsed = RecordPaymentInput.safeParse({
      orderId: props.orderId,
      organisationId: props.organisationId,
      amountCents: cents ?? Number.NaN,
      reference: reference(),
      idempotencyKey: key.current(),
      source: source(),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const available = balance();
    if (source() === 'credit' && available !== undefined && parsed.data.amountCents > available) {
      return submission.refuse({ amountCents: [t('funding.creditTooMuch', { amount: money(available, false) })] }, t('form.invalid'));
    }
    let replayed = false;
    let remaining = props.remainingCents;
    const ok = await submission.run(async () => {
      const result = await recordPayment(parsed.data);
      replayed = result.replayed;
      const share = result.totals.funders.find((f) => f.organisationId === props.organisationId);
      if (share) remaining = share.committedCents - share.paidCents;
    });
    if (!ok) return;
    // The field then offers what is left of the share (never changed under a pending retry).
    setAmount(centsToEurosInput(remaining));
    key.forget();
    setReference('');
    if (source() === 'credit') void refetchCredits();
    const done = replayed ? 'funding.replayed' : source() === 'credit' ? 'funding.paidFromCredit' : 'funding.paidDone';
    // Announced by the funding section: this form goes away once the share is fully paid.
    props.onPaid(t(done, { amount: money(parsed.data.amountCents, false) }));
  };

  return (
    <form class="subform" onSubmit={onSubmit} novalidate data-testid="payment-form" aria-labelledby="payment-title">
      <h3 id="payment-title">{t('funding.pay')}</h3>
      <p class="muted">{t('funding.remaining', { amount: money(props.remainingCents, false) })}</p>
      <FormAlert message={submission.error()} />
      <ChoiceGroup
        name="payment-source"
        legend={t('funding.source')}
        type="radio"
        inline
        options={[
          { value: 'transfer', label: t('funding.sourceTransfer') },
          { value: 'credit', label: t('funding.sourceCredit') },
        ]}
        selected={[source()]}
        onChange={(selected) => edit((value) => setSource(value === 'credit' ? 'credit' : 'transfer'))(selected[0] ?? 'transfer')}
        error={submission.fieldError('source')}
      />
      <Show when={source() === 'credit'}>
        <p class="muted" role="status">
          <Show when={balance() !== undefined} fallback={credits.error ? t('funding.creditUnavailable') : t('app.loading')}>
            <span data-testid="payment-credit" data-cents={balance()}>
              {t('funding.creditAvailable', { amount: money(balance()!, false) })}
            </span>
          </Show>
        </p>
      </Show>
      <div class="field-row">
        <TextField
          name="amount"
          id="payment-amount"
          label={t('funding.amount')}
          hint={t('form.eurosHint')}
          inputMode="decimal"
          required
          value={amount()}
          onInput={edit(setAmount)}
          error={submission.fieldError('amountCents')}
        />
        <TextField
          name="reference"
          id="payment-reference"
          label={source() === 'credit' ? t('funding.creditReference') : t('funding.reference')}
          hint={source() === 'credit' ? t('funding.creditReferenceHint') : t('funding.referenceHint')}
          required
          value={reference()}
          onInput={edit(setReference)}
          error={submission.fieldError('reference')}
        />
      </div>
      <button type="submit" class="button" disabled={submission.pending()} data-testid="payment-submit">
        {submission.pending() ? t('form.sending') : source() === 'credit' ? t('funding.submitFromCredit') : t('funding.submit')}
      </button>
    </form>
  );
}
