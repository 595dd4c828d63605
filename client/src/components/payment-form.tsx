import { createSignal } from 'solid-js';
import { RecordPaymentInput } from '../../../shared/schemas/orders';
import { recordPayment } from '../api/orders';
import { centsToEurosInput, createIdempotencyKey, createSubmission, parseEuros } from '../forms';
import { money, t } from '../i18n';
import { FormAlert } from './form-alert';
import { TextField } from './text-field';

/**
 * A funder records a transfer into the order's ring-fenced account. One idempotency key per
 * submission: retrying the same amount and reference after a lost answer cannot pay twice.
 */
export function PaymentForm(props: { orderId: number; organisationId: number; remainingCents: number; onPaid: (message: string) => void }) {
  const [amount, setAmount] = createSignal(centsToEurosInput(props.remainingCents));
  const [reference, setReference] = createSignal('');
  const key = createIdempotencyKey();
  const submission = createSubmission();
  // Different content is a different submission: it gets its own key.
  const edit = (set: (v: string) => void) => (value: string) => {
    key.forget();
    set(value);
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = RecordPaymentInput.safeParse({
      orderId: props.orderId,
      organisationId: props.organisationId,
      amountCents: parseEuros(amount()) ?? Number.NaN,
      reference: reference(),
      idempotencyKey: key.current(),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
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
    // Announced by the funding section: this form goes away once the share is fully paid.
    props.onPaid(t(replayed ? 'funding.replayed' : 'funding.paidDone', { amount: money(parsed.data.amountCents, false) }));
  };

  return (
    <form class="subform" onSubmit={onSubmit} novalidate data-testid="payment-form" aria-labelledby="payment-title">
      <h3 id="payment-title">{t('funding.pay')}</h3>
      <p class="muted">{t('funding.remaining', { amount: money(props.remainingCents, false) })}</p>
      <FormAlert message={submission.error()} />
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
          label={t('funding.reference')}
          hint={t('funding.referenceHint')}
          required
          value={reference()}
          onInput={edit(setReference)}
          error={submission.fieldError('reference')}
        />
      </div>
      <button type="submit" class="button" disabled={submission.pending()} data-testid="payment-submit">
        {submission.pending() ? t('form.sending') : t('funding.submit')}
      </button>
    </form>
  );
}
