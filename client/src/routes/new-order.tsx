import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createResource, on, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { lineAmount } from '../../../shared/money';
import { todayIso } from '../../../shared/domain/orders';
import { CreateOrderInput } from '../../../shared/schemas/orders';
import { createOrder } from '../api/orders';
import { fetchOrganisation } from '../api/organisations';
import { ChoiceGroup } from '../components/choice-group';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { DepartementSelect } from '../components/departement-select';
import { TextField } from '../components/text-field';
import { createSubmission, parseCount, parseEuros, splitCodes } from '../forms';
import { money, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { currentMembership, services } from '../session';
import { valueOf } from '../resource';

const addDays = (iso: string, days: number) => {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

/** `/commandes/nouvelle?organisation=ID`: a funder drafts a service order. */
export function NewOrderPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const organisationId = () => Number(search.organisation) || currentMembership()?.organisationId || 0;
  const [organisation] = createResource(organisationId, fetchOrganisation);

  const today = todayIso();
  const deliveryStart = addDays(today, 21);
  const [form, setForm] = createStore({
    title: '',
    description: '',
    services: [] as string[],
    departementCodes: [] as string[],
    communeCodes: '',
    quantity: '',
    unitPrice: '10',
    targetPeople: '',
    bidDeadline: addDays(today, 14),
    deliveryStartsOn: deliveryStart,
    // The end of the year the window starts in: a place's revenue is counted per year.
    deliveryEndsOn: `${deliveryStart.slice(0, 4)}-12-31`,
    roundId: '',
    passRequired: true,
  });
  // The funder's own département is the usual territory.
  createEffect(
    on(() => valueOf(organisation), (org) => {
      if (org?.departementCode && form.departementCodes.length === 0) setForm('departementCodes', [org.departementCode]);
    }),
  );

  const unitPriceCents = () => parseEuros(form.unitPrice);
  const amountCents = () => {
    const quantity = parseCount(form.quantity);
    const price = unitPriceCents();
    return Number.isSafeInteger(quantity) && quantity > 0 && quantity <= 1_000_000 && price !== undefined ? lineAmount(quantity, price) : undefined;
  };

  const submission = createSubmission();
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = CreateOrderInput.safeParse({
      organisationId: organisationId(),
      title: form.title,
      description: form.description,
      services: form.services,
      departementCodes: form.departementCodes,
      communeCodes: splitCodes(form.communeCodes),
      quantity: parseCount(form.quantity),
      unitPriceCents: unitPriceCents() ?? Number.NaN,
      targetPeople: form.targetPeople.trim() === '' ? 0 : parseCount(form.targetPeople),
      bidDeadline: form.bidDeadline,
      deliveryStartsOn: form.deliveryStartsOn,
      deliveryEndsOn: form.deliveryEndsOn,
      roundId: form.roundId.trim() === '' ? null : parseCount(form.roundId),
      passRequired: form.passRequired,
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    let orderId = 0;
    const ok = await submission.run(async () => {
      orderId = (await createOrder(parsed.data)).orderId;
    });
    if (ok) navigate(`/commandes/${orderId}`);
  };

  return (
    <section aria-labelledby="new-order-title">
      <p class="eyebrow">{t('kind.funder')}</p>
      <h1 id="new-order-title">{t('newOrder.title')}</h1>
      <Show when={organisation.error}>
        <ErrorBox error={organisation.error} />
      </Show>
      <Show when={valueOf(organisation)}>{(org) => <p>{t('newOrder.intro', { organisation: org().name })}</p>}</Show>
      <form class="card form" onSubmit={onSubmit} novalidate data-testid="order-form">
        <FormAlert message={submission.error()} />
        <TextField name="title" label={t('newOrder.orderTitle')} required value={form.title} onInput={(v) => setForm('title', v)} error={submission.fieldError('title')} />
        <TextField
          name="description"
          label={t('newOrder.description')}
          multiline
          value={form.description}
          onInput={(v) => setForm('description', v)}
          error={submission.fieldError('description')}
        />
        <ChoiceGroup
          name="services"
          type="checkbox"
          legend={t('newOrder.services')}
          options={services().map((s) => ({ value: s, label: s }))}
          selected={form.services}
          onChange={(v) => setForm('services', v)}
          error={submission.fieldError('services')}
        />
        <h2>{t('newOrder.territory')}</h2>
        <DepartementSelect
          id="departementCodes"
          label={t('newOrder.departements')}
          selected={form.departementCodes}
          onChange={(codes) => setForm('departementCodes', codes)}
          error={submission.fieldError('departementCodes')}
        />
        <TextField
          name="communeCodes"
          label={t('newOrder.communes')}
          hint={t('application.otherCommunesHint')}
          value={form.communeCodes}
          onInput={(v) => setForm('communeCodes', v)}
          error={submission.fieldError('communeCodes')}
        />
        <h2>{t('newOrder.quantityAndPrice')}</h2>
        <div class="field-row">
          <TextField
            name="quantity"
            label={t('newOrder.quantity')}
            inputMode="numeric"
            required
            value={form.quantity}
            onInput={(v) => setForm('quantity', v)}
            error={submission.fieldError('quantity')}
          />
          <TextField
            name="unitPrice"
            label={t('newOrder.unitPrice')}
            hint={t('form.eurosHint')}
            inputMode="decimal"
            required
            value={form.unitPrice}
            onInput={(v) => setForm('unitPrice', v)}
            error={submission.fieldError('unitPriceCents') ?? (unitPriceCents() === undefined ? t('form.eurosInvalid') : undefined)}
          />
          <TextField
            name="targetPeople"
            label={t('newOrder.targetPeople')}
            inputMode="numeric"
            value={form.targetPeople}
            onInput={(v) => setForm('targetPeople', v)}
            error={submission.fieldError('targetPeople')}
          />
        </div>
        <p class="muted" aria-live="polite">
          <Show when={amountCents()}>{(amount) => t('newOrder.amount', { amount: money(amount(), false) })}</Show>
        </p>
        <h2>{t('newOrder.calendar')}</h2>
        <div class="field-row">
          <TextField
            name="bidDeadline"
            type="date"
            label={t('order.bidDeadline')}
            min={today}
            required
            value={form.bidDeadline}
            onInput={(v) => setForm('bidDeadline', v)}
            error={submission.fieldError('bidDeadline')}
          />
          <TextField
            name="deliveryStartsOn"
            type="date"
            label={t('newOrder.deliveryStartsOn')}
            required
            value={form.deliveryStartsOn}
            onInput={(v) => setForm('deliveryStartsOn', v)}
            error={submission.fieldError('deliveryStartsOn')}
          />
          <TextField
            name="deliveryEndsOn"
            type="date"
            label={t('newOrder.deliveryEndsOn')}
            min={form.deliveryStartsOn}
            required
            value={form.deliveryEndsOn}
            onInput={(v) => setForm('deliveryEndsOn', v)}
            error={submission.fieldError('deliveryEndsOn')}
          />
        </div>
        <TextField
          name="roundId"
          label={t('newOrder.round')}
          hint={t('newOrder.roundHint')}
          inputMode="numeric"
          value={form.roundId}
          onInput={(v) => setForm('roundId', v)}
          error={submission.fieldError('roundId')}
        />
        <h2>{tp('passes.orderProofTitle')}</h2>
        <div class="field checkbox-field">
          <div class="choice">
            <input
              type="checkbox"
              id="passRequired"
              name="passRequired"
              checked={form.passRequired}
              onChange={(e) => setForm('passRequired', e.currentTarget.checked)}
              aria-describedby="passRequired-hint"
              data-testid="order-pass-required"
            />
            <label for="passRequired">{tp('passes.orderRequired')}</label>
          </div>
          <p id="passRequired-hint" class="hint">
            {tp('passes.orderRequiredHint')}
          </p>
          <Show when={submission.fieldError('passRequired')}>
            {(error) => <p class="field-error">{error()}</p>}
          </Show>
        </div>
        <div class="form-actions">
          <button type="submit" class="button" disabled={submission.pending()} data-testid="order-submit">
            {submission.pending() ? t('form.sending') : t('newOrder.submit')}
          </button>
          <A href={`/espace/${organisationId()}`}>{t('form.cancel')}</A>
        </div>
      </form>
    </section>
  );
}
