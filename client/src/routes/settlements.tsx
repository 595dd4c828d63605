import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { monthOf, previousMonth } from '../../../shared/domain/months';
import { todayIso } from '../../../shared/domain/orders';
import { MarkPayoutPaidInput, SettlementMonthInput } from '../../../shared/schemas/money';
import { fetchPayouts, fetchSettlements, markPayoutPaid, runSettlement, type Payout, type Settlement, type SettlementRun } from '../api/settlements';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { MoneyStatusBadge } from '../components/place-money';
import { TextField } from '../components/text-field';
import { createSubmission } from '../forms';
import { formatDate, formatMonth, formatNumber, money, t } from '../i18n';
import { valueOf } from '../resource';

/** `/reglements`: the operator runs each finished month's settlement and records the transfers. */
export function SettlementsPage() {
  const [settlements, { refetch }] = createResource(fetchSettlements);
  const [selected, setSelected] = createSignal<number>();
  const [announcement, setAnnouncement] = createSignal('');
  // The newest settlement is shown until the operator picks another one.
  createEffect(() => {
    const list = valueOf(settlements);
    if (selected() === undefined && list?.[0]) setSelected(list[0].id);
  });
  const selectedSettlement = () => valueOf(settlements)?.find((s) => s.id === selected());

  const onRan = (run: SettlementRun) => {
    const month = formatMonth(run.month);
    setAnnouncement(t(run.replayed ? 'settlements.replayed' : 'settlements.ran', { month, count: run.payouts }));
    setSelected(run.settlementId);
    void refetch();
  };

  return (
    <section aria-labelledby="settlements-title">
      <p class="eyebrow">{t('kind.operator')}</p>
      <h1 id="settlements-title">{t('settlements.title')}</h1>
      <p>{t('settlements.intro')}</p>
      <RunSettlementForm onRan={onRan} />
      <p class="success" role="status" data-testid="settlement-status">
        {announcement()}
      </p>

      <h2 id="settlement-list-title">{t('settlements.list')}</h2>
      <Show when={settlements.error}>
        <ErrorBox error={settlements.error} />
      </Show>
      <Show when={valueOf(settlements)} fallback={<Show when={!settlements.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p data-testid="settlements-empty">{t('settlements.empty')}</p>}>
            <div class="table-scroll">
              <table aria-labelledby="settlement-list-title">
                <thead>
                  <tr>
                    <th scope="col">{t('settlements.month')}</th>
                    <th scope="col" class="num">{t('settlements.payouts')}</th>
                    <th scope="col" class="num">{t('settlements.gross')}</th>
                    <th scope="col" class="num">{t('settlements.fees')}</th>
                    <th scope="col" class="num">{t('settlements.net')}</th>
                    <th scope="col" class="num">{t('settlements.paidCount')}</th>
                    <th scope="col">{t('settlements.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>{(settlement) => <SettlementRow settlement={settlement} selected={selected() === settlement.id} onSelect={setSelected} />}</For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>

      {/* Keyed by id, not by row: the list's refetch after a payment keeps the forms being typed. */}
      <Show when={selected()} keyed>
        {(settlementId) => (
          <PayoutsOfSettlement
            settlementId={settlementId}
            month={selectedSettlement()?.month}
            onPaid={(message) => {
              setAnnouncement(message);
              void refetch();
            }}
          />
        )}
      </Show>
    </section>
  );
}

function SettlementRow(props: { settlement: Settlement; selected: boolean; onSelect: (id: number) => void }) {
  return (
    <tr data-testid="settlement-row" data-month={props.settlement.month} data-settlement-id={props.settlement.id}>
      <th scope="row">{formatMonth(props.settlement.month)}</th>
      <td class="num">{formatNumber(props.settlement.payouts)}</td>
      <td class="num">{money(props.settlement.grossCents, false)}</td>
      <td class="num">{money(props.settlement.feesCents, false)}</td>
      <td class="num">{money(props.settlement.netCents, false)}</td>
      <td class="num" data-testid="settlement-paid">
        {t('settlements.paidOf', { paid: formatNumber(props.settlement.paid), count: formatNumber(props.settlement.payouts) })}
      </td>
      <td>
        <button
          type="button"
          class="button small ghost"
          aria-pressed={props.selected}
          aria-label={t('settlements.showLabel', { month: formatMonth(props.settlement.month) })}
          onClick={() => props.onSelect(props.settlement.id)}
          data-testid="settlement-show"
        >
          {t('settlements.show')}
        </button>
      </td>
    </tr>
  );
}

/** Runs a finished month; the server says why a month cannot be settled, beside the field. */
function RunSettlementForm(props: { onRan: (run: SettlementRun) => void }) {
  // The month just over is the one usually settled.
  const lastMonth = previousMonth(monthOf(todayIso()));
  const [month, setMonth] = createSignal(lastMonth);
  const submission = createSubmission();

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = SettlementMonthInput.safeParse({ month: month() });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    let run: SettlementRun | undefined;
    const ok = await submission.run(async () => {
      run = await runSettlement(parsed.data.month);
    });
    if (ok && run) props.onRan(run);
  };

  return (
    <form class="card form spaced" onSubmit={onSubmit} novalidate aria-labelledby="run-settlement-title" data-testid="settlement-form">
      <h2 id="run-settlement-title">{t('settlements.runTitle')}</h2>
      <FormAlert message={submission.error()} testid="settlement-error" />
      <TextField
        name="settlement-month"
        type="month"
        label={t('settlements.monthField')}
        hint={t('settlements.monthHint')}
        max={lastMonth}
        required
        value={month()}
        onInput={setMonth}
        error={submission.fieldError('month')}
        testid="settlement-month"
      />
      <div class="form-actions">
        <button type="submit" class="button" disabled={submission.pending()} data-testid="settlement-run">
          {submission.pending() ? t('form.sending') : t('settlements.run')}
        </button>
      </div>
    </form>
  );
}

function PayoutsOfSettlement(props: { settlementId: number; month: string | undefined; onPaid: (message: string) => void }) {
  const [payouts, { refetch }] = createResource(() => props.settlementId, fetchPayouts);
  // Keyed by payout: a refetch keeps the references being typed in the other rows.
  const [rows, setRows] = createStore<Payout[]>([]);
  createEffect(() => {
    const list = valueOf(payouts);
    if (list) setRows(reconcile(list, { key: 'id' }));
  });
  const month = () => (props.month ? formatMonth(props.month) : '');

  return (
    <section aria-labelledby="payouts-title" data-testid="payouts">
      <h2 id="payouts-title">{t('settlements.payoutsOf', { month: month() })}</h2>
      <Show when={payouts.error}>
        <ErrorBox error={payouts.error} />
      </Show>
      <Show when={valueOf(payouts)} fallback={<Show when={!payouts.error}><p class="loading">{t('app.loading')}</p></Show>}>
        <Show when={rows.length > 0} fallback={<p data-testid="payouts-empty">{t('settlements.noPayouts')}</p>}>
          <div class="table-scroll">
            <table class="payout-table" aria-labelledby="payouts-title">
              <thead>
                <tr>
                  <th scope="col">{t('payout.place')}</th>
                  <th scope="col">{t('payout.organisation')}</th>
                  <th scope="col" class="num">{t('payout.services')}</th>
                  <th scope="col" class="num">{t('settlements.gross')}</th>
                  <th scope="col" class="num">{t('settlements.fees')}</th>
                  <th scope="col" class="num">{t('settlements.net')}</th>
                  <th scope="col">{t('payout.status')}</th>
                  <th scope="col">{t('payout.payment')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={rows}>
                  {(payout) => (
                    <tr data-testid="payout-row" data-place-id={payout.placeId} data-payout-id={payout.id} data-status={payout.status}>
                      <th scope="row">
                        <A href={`/lieux/${payout.placeId}`}>{payout.placeName}</A>
                      </th>
                      <td>{payout.organisationName}</td>
                      <td class="num">{formatNumber(payout.services)}</td>
                      <td class="num">{money(payout.grossCents, false)}</td>
                      <td class="num">{money(payout.feesCents, false)}</td>
                      <td class="num">{money(payout.netCents, false)}</td>
                      <td>
                        <MoneyStatusBadge status={payout.status} />
                      </td>
                      <td>
                        <Show
                          when={payout.status === 'paid'}
                          fallback={
                            <MarkPaidForm
                              payout={payout}
                              onPaid={(reference) => {
                                void refetch();
                                props.onPaid(t('payout.markedPaid', { place: payout.placeName, reference }));
                              }}
                            />
                          }
                        >
                          {t('payout.paidDetail', { date: formatDate(payout.paidOn ?? ''), reference: payout.paymentReference ?? '' })}
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
    </section>
  );
}

/** The bank transfer of one payout: its reference and date (today by default). */
function MarkPaidForm(props: { payout: Payout; onPaid: (reference: string) => void }) {
  const [form, setForm] = createStore({ reference: '', paidOn: todayIso() });
  const submission = createSubmission();
  const id = (field: string) => `payout-${props.payout.id}-${field}`;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = MarkPayoutPaidInput.safeParse({ payoutId: props.payout.id, reference: form.reference, paidOn: form.paidOn });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const ok = await submission.run(() => markPayoutPaid(parsed.data));
    if (ok) props.onPaid(parsed.data.reference);
  };

  return (
    <form class="mark-paid" onSubmit={onSubmit} novalidate aria-label={t('payout.markPaidLabel', { place: props.payout.placeName })}>
      <FormAlert message={submission.error()} />
      <TextField
        name="reference"
        id={id('reference')}
        label={t('payout.reference')}
        required
        value={form.reference}
        onInput={(v) => setForm('reference', v)}
        error={submission.fieldError('reference')}
        testid="payout-reference"
      />
      <TextField
        name="paidOn"
        id={id('paid-on')}
        type="date"
        label={t('payout.paidOn')}
        max={todayIso()}
        required
        value={form.paidOn}
        onInput={(v) => setForm('paidOn', v)}
        error={submission.fieldError('paidOn')}
        testid="payout-paid-on"
      />
      <button type="submit" class="button small" disabled={submission.pending()} data-testid="payout-mark-paid">
        {submission.pending() ? t('form.sending') : t('payout.markPaid')}
      </button>
    </form>
  );
}
