import { A, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { todayIso } from '../../../shared/domain/orders';
import { fetchFunderStatement, fetchFunderStatementCsv } from '../api/credits';
import { OrderStatusBadge, proofOf, ProofBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import { FunderPageTitle } from '../components/funder-page-title';
import { FormAlert } from '../components/form-alert';
import { downloadFile } from '../download';
import { createSubmission } from '../forms';
import { formatDate, money, t } from '../i18n';
import { valueOf } from '../resource';

const currentYear = new Date().getFullYear();
/** Orders are placed up to a year ahead; older years stay reachable for the accounts. */
const YEARS = Array.from({ length: 7 }, (_, i) => currentYear + 1 - i);

/**
 * `/espace/:organisationId/releve?annee=YYYY`: the funder's spending statement per order, to
 * print or download as French CSV. The year is the one the order's delivery window starts in.
 */
export function FunderStatementPage() {
  const params = useParams();
  const [search, setSearch] = useSearchParams();
  const organisationId = () => Number(params.organisationId);
  const year = () => (YEARS.includes(Number(search.annee)) ? Number(search.annee) : undefined);
  const [statement] = createResource(() => ({ organisationId: organisationId(), year: year() }), (key) => fetchFunderStatement(key.organisationId, key.year));
  const csv = createSubmission();
  const [downloaded, setDownloaded] = createSignal('');

  const download = async () => {
    setDownloaded('');
    let filename = '';
    const ok = await csv.run(async () => {
      const file = await fetchFunderStatementCsv(organisationId(), year());
      downloadFile(file);
      filename = file.filename;
    });
    if (ok) setDownloaded(t('funderStatement.downloaded', { filename }));
  };

  return (
    <section class="document" aria-labelledby="statement-title" data-testid="funder-statement">
      <FunderPageTitle id="statement-title" title={t('funderStatement.title')} organisationId={organisationId()} />
      <p>
        {year() ? t('funderStatement.ofYear', { year: year()! }) : t('funderStatement.allYears')} ·{' '}
        {t('funderStatement.editedOn', { date: formatDate(todayIso()) })}
      </p>
      <p class="no-print">{t('funderStatement.intro')}</p>
      <div class="no-print">
        <div class="field statement-filter">
          <label for="statement-year">{t('funderStatement.year')}</label>
          <p id="statement-year-hint" class="hint">
            {t('funderStatement.yearHint')}
          </p>
          <select
            id="statement-year"
            aria-describedby="statement-year-hint"
            value={year() ? String(year()) : ''}
            onChange={(e) => setSearch({ annee: e.currentTarget.value || undefined })}
            data-testid="statement-year"
          >
            <option value="">{t('funderStatement.allYearsOption')}</option>
            <For each={YEARS}>{(y) => <option value={String(y)}>{y}</option>}</For>
          </select>
        </div>
      </div>
      <div class="no-print actions">
        <button type="button" class="button" disabled={csv.pending()} onClick={() => void download()} data-testid="statement-csv">
          {csv.pending() ? t('form.sending') : t('funderStatement.csv')}
        </button>
        <button type="button" class="button ghost" onClick={() => window.print()}>
          {t('funderStatement.print')}
        </button>
        <A href={`/espace/${organisationId()}`}>{t('spending.back')}</A>
      </div>
      <FormAlert message={csv.error()} />
      <p class="success no-print" role="status">
        {downloaded()}
      </p>
      <Show when={statement.error}>
        <ErrorBox error={statement.error} />
      </Show>
      <Show when={valueOf(statement)} fallback={<Show when={!statement.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(s) => (
          <Show when={s().lines.length > 0} fallback={<p data-testid="statement-empty">{t('funderStatement.empty')}</p>}>
            <div class="table-scroll">
              <table class="statement">
                <caption class="visually-hidden">{t('funderStatement.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('funderStatement.order')}</th>
                    <th scope="col">{t('funder.orderStatus')}</th>
                    <th scope="col">{t('proof.label')}</th>
                    <th scope="col" class="num">{t('funderStatement.paid')}</th>
                    <th scope="col" class="num">{t('funderStatement.credited')}</th>
                    <th scope="col" class="num">{t('funderStatement.orderPaid')}</th>
                    <th scope="col" class="num">{t('funderStatement.delivered')}</th>
                    <th scope="col" class="num">{t('funderStatement.outstanding')}</th>
                    <th scope="col" class="num">{t('funderStatement.available')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={s().lines}>
                    {(line) => (
                      <tr data-testid="statement-row" data-order-id={line.orderId}>
                        <th scope="row">
                          <A href={`/commandes/${line.orderId}`}>{t('credits.orderValue', { id: line.orderId, title: line.title })}</A>
                        </th>
                        <td>
                          <OrderStatusBadge status={line.status} />
                        </td>
                        <td>
                          <ProofBadge proof={proofOf(line.passRequired)} />
                        </td>
                        <td class="num">{money(line.paidCents, false)}</td>
                        <td class="num">{money(line.creditedCents, false)}</td>
                        <td class="num">{money(line.orderPaidCents, false)}</td>
                        <td class="num">{money(line.deliveredCents, false)}</td>
                        <td class="num">{money(line.outstandingCents, false)}</td>
                        <td class="num">{money(line.availableCents, false)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
                <tfoot>
                  <tr data-testid="statement-total">
                    <th scope="row" colspan="3">
                      {t('funderStatement.total')}
                    </th>
                    <td class="num">{money(s().totals.paidCents, false)}</td>
                    <td class="num">{money(s().totals.creditedCents, false)}</td>
                    <td class="num">{money(s().totals.orderPaidCents, false)}</td>
                    <td class="num">{money(s().totals.deliveredCents, false)}</td>
                    <td class="num">{money(s().totals.outstandingCents, false)}</td>
                    <td class="num">{money(s().totals.availableCents, false)}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  );
}
