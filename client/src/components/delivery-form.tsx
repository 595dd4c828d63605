import { createSignal, For, Show } from 'solid-js';
import { todayIso } from '../../../shared/domain/orders';
import { RecordDeliveryInput } from '../../../shared/schemas/deliveries';
import type { PlaceAward } from '../api/awards';
import { recordDelivery } from '../api/deliveries';
import { createIdempotencyKey, createSubmission, parseCount } from '../forms';
import { formatDate, formatNumber, t } from '../i18n';
import { beneficiaryRef, canPseudonymise } from '../pseudonym';
import { FormAlert } from './form-alert';
import { TextField } from './text-field';

type Figures = Awaited<ReturnType<typeof recordDelivery>>['figures'];

interface Props {
  award: PlaceAward;
  organisationId: number;
  onRecorded: (figures: Figures) => void;
}

/**
 * A place records services delivered under one award. The person is identified only by the
 * SHA-256 of a local reference, computed here; the idempotency key is made once per submission
 * and sent again if the person retries after a network error, so the delivery counts once.
 */
export function DeliveryForm(props: Props) {
  const id = (field: string) => `delivery-${props.award.id}-${field}`;
  const remaining = () => props.award.quantity - props.award.deliveredQuantity;
  const today = todayIso();
  const lastDay = () => (props.award.deliveryEndsOn < today ? props.award.deliveryEndsOn : today);
  const [quantity, setQuantity] = createSignal('1');
  const [deliveredOn, setDeliveredOn] = createSignal(lastDay());
  const [service, setService] = createSignal(props.award.services[0] ?? '');
  const [reference, setReference] = createSignal('');
  const [done, setDone] = createSignal('');
  const key = createIdempotencyKey();
  const submission = createSubmission();
  const edit = (set: (v: string) => void) => (value: string) => {
    key.forget();
    setDone('');
    set(value);
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setDone('');
    if (!canPseudonymise()) return submission.setError(t('delivery.insecure'));
    if (reference().trim() === '') {
      return submission.refuse({ beneficiaryRef: [t('delivery.beneficiaryRequired')] }, t('form.invalid'));
    }
    const parsed = RecordDeliveryInput.safeParse({
      awardId: props.award.id,
      quantity: parseCount(quantity()),
      deliveredOn: deliveredOn(),
      service: service(),
      beneficiaryRef: await beneficiaryRef(props.organisationId, reference()),
      idempotencyKey: key.current(),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    let replayed = false;
    let figures: Figures = [];
    const ok = await submission.run(async () => {
      const result = await recordDelivery(parsed.data);
      replayed = result.replayed;
      figures = result.figures;
    });
    if (!ok) return;
    key.forget();
    setReference('');
    setQuantity('1');
    setDone(t(replayed ? 'delivery.replayed' : 'delivery.done', { count: formatNumber(parsed.data.quantity) }));
    props.onRecorded(figures);
  };

  return (
    <Show
      when={props.award.deliveryStartsOn <= today}
      fallback={<p class="muted">{t('delivery.notYet', { date: formatDate(props.award.deliveryStartsOn) })}</p>}
    >
      <form class="subform delivery-form" onSubmit={onSubmit} novalidate data-testid="delivery-form" aria-label={t('delivery.formLabel', { order: props.award.orderTitle })}>
        <FormAlert message={submission.error()} />
        <div class="field-row">
          <TextField
            name="quantity"
            id={id('quantity')}
            label={t('delivery.quantity')}
            hint={t('delivery.remaining', { count: formatNumber(remaining()) })}
            inputMode="numeric"
            required
            value={quantity()}
            onInput={edit(setQuantity)}
            error={submission.fieldError('quantity')}
          />
          <TextField
            name="deliveredOn"
            id={id('date')}
            type="date"
            label={t('delivery.date')}
            min={props.award.deliveryStartsOn}
            max={lastDay()}
            required
            value={deliveredOn()}
            onInput={edit(setDeliveredOn)}
            error={submission.fieldError('deliveredOn')}
          />
          <div class="field">
            <label for={id('service')}>{t('delivery.service')}</label>
            <select
              id={id('service')}
              value={service()}
              onChange={(e) => edit(setService)(e.currentTarget.value)}
              aria-invalid={!!submission.fieldError('service')}
              aria-describedby={submission.fieldError('service') ? `${id('service')}-error` : undefined}
            >
              <For each={props.award.services}>{(s) => <option value={s}>{s}</option>}</For>
            </select>
            <Show when={submission.fieldError('service')}>
              <p id={`${id('service')}-error`} class="field-error">
                {submission.fieldError('service')}
              </p>
            </Show>
          </div>
        </div>
        <TextField
          name="beneficiary"
          id={id('beneficiary')}
          label={t('delivery.beneficiary')}
          hint={t('delivery.beneficiaryHint')}
          autocomplete="off"
          required
          value={reference()}
          onInput={edit(setReference)}
          error={submission.fieldError('beneficiaryRef')}
        />
        <button type="submit" class="button" disabled={submission.pending()} data-testid="delivery-submit">
          {submission.pending() ? t('form.sending') : t('delivery.submit')}
        </button>
        <p role="status" class="success" data-testid="delivery-status">
          {done()}
        </p>
      </form>
    </Show>
  );
}
