import { createSignal } from 'solid-js';
import { CoFundInput } from '../../../shared/schemas/orders';
import { coFund } from '../api/orders';
import { centsToEurosInput, createSubmission, parseEuros } from '../forms';
import { money, t } from '../i18n';
import { FormAlert } from './form-alert';
import { TextField } from './text-field';

/** Another funder joins a published order with a share of what is left to fund. */
export function CoFundForm(props: { orderId: number; organisationId: number; remainingCents: number; onDone: () => void }) {
  const [share, setShare] = createSignal(centsToEurosInput(props.remainingCents));
  const submission = createSubmission();

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = CoFundInput.safeParse({ orderId: props.orderId, organisationId: props.organisationId, shareCents: parseEuros(share()) ?? Number.NaN });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    if (await submission.run(() => coFund(parsed.data))) props.onDone();
  };

  return (
    <form class="subform" onSubmit={onSubmit} novalidate data-testid="cofund-form" aria-labelledby="cofund-title">
      <h3 id="cofund-title">{t('funding.coFund')}</h3>
      <p class="muted">{t('funding.coFundIntro', { amount: money(props.remainingCents, false) })}</p>
      <FormAlert message={submission.error()} />
      <TextField
        name="share"
        id="cofund-share"
        label={t('funding.shareAmount')}
        hint={t('form.eurosHint')}
        inputMode="decimal"
        required
        value={share()}
        onInput={setShare}
        error={submission.fieldError('shareCents')}
      />
      <button type="submit" class="button" disabled={submission.pending()} data-testid="cofund-submit">
        {submission.pending() ? t('form.sending') : t('funding.coFundSubmit')}
      </button>
    </form>
  );
}
