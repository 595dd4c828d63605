import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { RefundCreditInput } from '../../../shared/schemas/money';
import { fetchCredits, refundCredit, type Credits } from '../api/credits';
import { ErrorBox } from '../components/error-box';
import { FunderPageTitle } from '../components/funder-page-title';
import { FormAlert } from '../components/form-alert';
import { TextField } from '../components/text-field';
import { createIdempotencyKey, createSubmission, parseEuros } from '../forms';
import { formatDate, money, t } from '../i18n';
import { valueOf } from '../resource';

/** `/espace/:organisationId/avoirs`: the funder's credit, the credit notes that made it, its refunds. */
export function CreditsPage() {
  const params = useParams();
  const organisationId = () => Number(params.organisationId);
  const [credits, { mutate }] = createResource(organisationId, fetchCredits);
  // Kept here: the form goes away once the whole credit is refunded, the confirmation stays.
  const [refunded, setRefunded] = createSignal('');

  return (
    <section aria-labelledby="credits-title">
      <FunderPageTitle id="credits-title" title={t('credits.title')} organisationId={organisationId()} />
      <p>{t('credits.intro')}</p>
      <p>
        <A href={`/espace/${organisationId()}`}>{t('spending.back')}</A>
      </p>
      <Show when={credits.error}>
        <ErrorBox error={credits.error} />
      </Show>
      <Show when={valueOf(credits)} fallback={<Show when={!credits.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(c) => (
          <>
            <div class="card">
              <p class="kpi-label">{t('credits.balance')}</p>
              <p class="kpi-value" data-testid="credit-balance" data-cents={c().balanceCents}>
                {money(c().balanceCents, false)}
              </p>
              <p class="muted">{t('credits.balanceHint')}</p>
            </div>

            <h2 id="credit-notes-title">{t('credits.notes')}</h2>
            <Show when={c().notes.length > 0} fallback={<p>{t('credits.notesEmpty')}</p>}>
              <div class="table-scroll">
                <table aria-labelledby="credit-notes-title">
                  <thead>
                    <tr>
                      <th scope="col">{t('credits.number')}</th>
                      <th scope="col">{t('credits.order')}</th>
                      <th scope="col" class="num">{t('credits.amount')}</th>
                      <th scope="col">{t('credits.reason')}</th>
                      <th scope="col">{t('credits.date')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={c().notes}>
                      {(note) => (
                        <tr data-testid="credit-note-row" data-number={note.number}>
                          <th scope="row">
                            <A href={`/avoirs/${note.id}`} aria-label={t('credits.noteLink', { number: note.number })}>
                              {note.number}
                            </A>
                          </th>
                          <td>
                            <A href={`/commandes/${note.orderId}`}>{t('credits.orderValue', { id: note.orderId, title: note.orderTitle })}</A>
                          </td>
                          <td class="num">{money(note.amountCents, false)}</td>
                          <td>{note.reason}</td>
                          <td>{formatDate(note.createdAt)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>

            <h2 id="credit-refunds-title">{t('credits.refunds')}</h2>
            <Show when={c().refunds.length > 0} fallback={<p>{t('credits.refundsEmpty')}</p>}>
              <table aria-labelledby="credit-refunds-title">
                <thead>
                  <tr>
                    <th scope="col">{t('credits.date')}</th>
                    <th scope="col">{t('credits.refundReference')}</th>
                    <th scope="col" class="num">{t('credits.amount')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={c().refunds}>
                    {(refund) => (
                      <tr data-testid="credit-refund-row">
                        <td>{formatDate(refund.createdAt)}</td>
                        <td>{refund.reference ?? '—'}</td>
                        <td class="num">{money(refund.amountCents, false)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>

            <Show when={c().balanceCents > 0} fallback={<p class="muted">{t('credits.refundNothing')}</p>}>
              <RefundForm
                organisationId={organisationId()}
                balanceCents={c().balanceCents}
                onRefunded={(next, message) => {
                  mutate(next);
                  setRefunded(message);
                }}
                onEdit={() => setRefunded('')}
              />
            </Show>
            <p role="status" class="success" data-testid="refund-status">
              {refunded()}
            </p>
          </>
        )}
      </Show>
    </section>
  );
}

/**
 * The funder has (part of) its credit paid back to its bank account. One idempotency key per
 * submission, as for payments: a retry after a lost answer cannot refund twice.
 */
function RefundForm(props: { organisationId: number; balanceCents: number; onRefunded: (credits: Credits, message: string) => void; onEdit: () => void }) {
  const [amount, setAmount] = createSignal('');
  const [reference, setReference] = createSignal('');
  const key = createIdempotencyKey();
  const submission = createSubmission();
  const edit = (set: (v: string) => void) => (value: string) => {
    key.forget();
    props.onEdit();
    set(value);
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const cents = parseEuros(amount());
    if (amount().trim() !== '' && cents === undefined) return submission.refuse({ amountCents: [t('form.eurosInvalid')] }, t('form.invalid'));
    const parsed = RefundCreditInput.safeParse({
      organisationId: props.organisationId,
      amountCents: cents ?? Number.NaN,
      reference: reference(),
      idempotencyKey: key.current(),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    if (parsed.data.amountCents > props.balanceCents) {
      return submission.refuse({ amountCents: [t('credits.refundTooMuch', { amount: money(props.balanceCents, false) })] }, t('form.invalid'));
    }
    const answer: { result?: Awaited<ReturnType<typeof refundCredit>> } = {};
    const ok = await submission.run(async () => {
      answer.result = await refundCredit(parsed.data);
    });
    const result = answer.result;
    if (!ok || !result) return;
    key.forget();
    setAmount('');
    setReference('');
    props.onRefunded(result.credits, t(result.replayed ? 'credits.refundReplayed' : 'credits.refundDone', { amount: money(parsed.data.amountCents, false) }));
  };

  return (
    <form class="card form" onSubmit={onSubmit} novalidate data-testid="refund-form" aria-labelledby="refund-title">
      <h2 id="refund-title">{t('credits.refund')}</h2>
      <p class="muted">{t('credits.refundIntro')}</p>
      <FormAlert message={submission.error()} />
      <div class="field-row">
        <TextField
          name="amount"
          id="refund-amount"
          label={t('credits.refundAmount')}
          hint={t('form.eurosHint')}
          inputMode="decimal"
          required
          value={amount()}
          onInput={edit(setAmount)}
          error={submission.fieldError('amountCents')}
          testid="refund-amount"
        />
        <TextField
          name="reference"
          id="refund-reference"
          label={t('credits.refundReference')}
          hint={t('credits.refundReferenceHint')}
          required
          value={reference()}
          onInput={edit(setReference)}
          error={submission.fieldError('reference')}
          testid="refund-reference"
        />
      </div>
      <button type="submit" class="button" disabled={submission.pending()} data-testid="refund-submit">
        {submission.pending() ? t('form.sending') : t('credits.refundSubmit')}
      </button>
    </form>
  );
}
