import { A, useParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { MONTH_PATTERN } from '../../../shared/domain/months';
import { fetchPlaceStatement, fetchPlaceStatementCsv } from '../api/settlements';
import { downloadFile } from '../download';
import { ProofBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { MoneyStatusBadge } from '../components/place-money';
import { createSubmission } from '../forms';
import { formatDate, formatMonth, formatNumber, money, t } from '../i18n';
import { valueOf } from '../resource';

/**
 * `/lieux/:placeId/releves/:month`: a place's counter-payment statement for a month, printable
 * and downloadable as the French CSV the server writes (the same figures, to the cent).
 */
export function PlaceStatementPage() {
  const params = useParams();
  const key = () => {
    const placeId = Number(params.placeId);
    const month = params.month ?? '';
    return Number.isSafeInteger(placeId) && MONTH_PATTERN.test(month) ? { placeId, month } : undefined;
  };
  const [statement] = createResource(key, fetchPlaceStatement);
  const download = createSubmission();

  const onDownload = (input: { placeId: number; month: string }) =>
    download.run(async () => {
      downloadFile(await fetchPlaceStatementCsv(input));
    });

  return (
    <>
      <Show when={!key()}>
        <p class="alert error" role="alert">
          {t('statement.badAddress')}
        </p>
      </Show>
      <Show when={statement.error}>
        <ErrorBox error={statement.error} />
      </Show>
      <Show when={valueOf(statement)} fallback={<Show when={key() && !statement.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(s) => (
          <article class="statement" aria-labelledby="statement-title" data-testid="place-statement" data-status={s().status}>
            <p class="eyebrow">{t('statement.eyebrow')}</p>
            <h1 id="statement-title">{t('statement.title', { place: s().place.name, month: formatMonth(s().month) })}</h1>
            <dl class="facts">
              <div>
                <dt>{t('statement.place')}</dt>
                <dd>
                  <A href={`/lieux/${s().place.id}`}>{s().place.name}</A>
                </dd>
              </div>
              <div>
                <dt>{t('statement.organisation')}</dt>
                <dd>{s().place.organisationName}</dd>
              </div>
              <div>
                <dt>{t('statement.month')}</dt>
                <dd>{formatMonth(s().month)}</dd>
              </div>
              <div>
                <dt>{t('statement.status')}</dt>
                <dd>
                  <MoneyStatusBadge status={s().status} testid="statement-status" />
                  <Show when={s().payout?.paidOn}>
                    {(paidOn) => <> {t('statement.paidOn', { date: formatDate(paidOn()), reference: s().payout?.paymentReference ?? '' })}</>}
                  </Show>
                </dd>
              </div>
            </dl>
            <Show when={s().status === 'estimated'}>
              <p class="muted">{t('statement.estimatedNote')}</p>
            </Show>

            <div class="form-actions no-print">
              <button type="button" class="button" disabled={download.pending()} onClick={() => void onDownload({ placeId: s().place.id, month: s().month })} data-testid="statement-csv">
                {t('statement.csv')}
              </button>
              <button type="button" class="button ghost" onClick={() => window.print()} data-testid="statement-print">
                {t('statement.print')}
              </button>
            </div>
            <FormAlert message={download.error()} />

            <Show when={s().lines.length > 0} fallback={<p data-testid="statement-empty">{t('statement.empty')}</p>}>
              <div class="table-scroll">
                <table aria-labelledby="statement-title">
                  <thead>
                    <tr>
                      <th scope="col">{t('statement.order')}</th>
                      <th scope="col">{t('statement.service')}</th>
                      <th scope="col">{t('proof.label')}</th>
                      <th scope="col" class="num">{t('statement.services')}</th>
                      <th scope="col" class="num">{t('statement.gross')}</th>
                      <th scope="col" class="num">{t('statement.fees')}</th>
                      <th scope="col" class="num">{t('statement.net')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={s().lines}>
                      {(line) => (
                        <tr data-testid="statement-line">
                          <th scope="row">
                            <A href={`/commandes/${line.orderId}`}>{line.orderTitle}</A> <span class="tag">{t('statement.orderNumber', { id: line.orderId })}</span>
                          </th>
                          <td>{line.service}</td>
                          <td>
                            <ProofBadge proof={s().proof.declaredOrderIds.includes(line.orderId) ? 'declared' : 'pass'} />
                          </td>
                          <td class="num">{formatNumber(line.services)}</td>
                          <td class="num">{money(line.grossCents, false)}</td>
                          <td class="num">{money(line.feesCents, false)}</td>
                          <td class="num">{money(line.netCents, false)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row" colspan="3">
                        {t('statement.total')}
                      </th>
                      <td class="num">{formatNumber(s().totals.services)}</td>
                      <td class="num">{money(s().totals.grossCents, false)}</td>
                      <td class="num">{money(s().totals.feesCents, false)}</td>
                      <td class="num" data-testid="statement-net" data-cents={s().totals.netCents}>
                        {money(s().totals.netCents, false)}
                      </td>
                    </tr>
                  </tfoot>
                </table>
              </div>
              <Show when={s().proof.declaredServices > 0}>
                <p class="muted" data-testid="statement-declared">
                  {t('proof.statementDeclared', { count: formatNumber(s().proof.declaredServices), total: formatNumber(s().totals.services) })}
                </p>
              </Show>
            </Show>
          </article>
        )}
      </Show>
    </>
  );
}
