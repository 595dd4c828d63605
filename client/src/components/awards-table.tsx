import { For, Show } from 'solid-js';
import { lineAmount } from '../../../shared/money';
import type { OrderView } from '../api/orders';
import { formatNumber, money, t } from '../i18n';
import { proofOf, ProofBadge } from './badges';
import { ProgressLine } from './progress-line';

/** The order's awards, line by line, with what each place has delivered so far and how it is proven. */
export function AwardsTable(props: { awards: OrderView['awards']; passRequired: boolean }) {
  return (
    <section class="card" aria-labelledby="awards-title">
      <h2 id="awards-title">{t('awards.title')}</h2>
      <p data-testid="awards-proof">
        <ProofBadge proof={proofOf(props.passRequired)} />{' '}
        <span class="muted">{props.passRequired ? t('proof.orderPass') : t('proof.orderDeclared')}</span>
      </p>
      <Show when={props.awards.length > 0} fallback={<p data-testid="awards-empty">{t('awards.none')}</p>}>
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{t('awards.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('award.place')}</th>
                <th scope="col" class="num">{t('awards.quantity')}</th>
                <th scope="col" class="num">{t('bids.unitPrice')}</th>
                <th scope="col" class="num">{t('awards.amount')}</th>
                <th scope="col">{t('awards.progress')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.awards}>
                {(award) => (
                  <tr data-testid="award-row">
                    <th scope="row">{award.placeName}</th>
                    <td class="num">{formatNumber(award.quantity)}</td>
                    <td class="num">{money(award.unitPriceCents, false)}</td>
                    <td class="num">{money(lineAmount(award.quantity, award.unitPriceCents))}</td>
                    <td>
                      <ProgressLine
                        value={award.deliveredQuantity}
                        max={award.quantity}
                        label={t('awards.progressLabel', { place: award.placeName, delivered: award.deliveredQuantity, quantity: award.quantity })}
                        text={t('awards.progressValue', { delivered: formatNumber(award.deliveredQuantity), quantity: formatNumber(award.quantity) })}
                        testid="award-progress"
                      />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
