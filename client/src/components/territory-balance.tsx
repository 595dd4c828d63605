import type { QueueEntry } from '../api/qualification';
import { formatNumber, money, t } from '../i18n';
import { BalanceBadge } from './badges';

const oneDecimal = (n: number) => formatNumber(Math.round(n * 10) / 10);

/**
 * A département's balance before a decision (DESIGN §3): funding F, qualified places N and the
 * number of places F can consolidate, [F / ceiling, F / floor].
 */
export function TerritoryBalance(props: { balance: QueueEntry['balance'] }) {
  const b = () => props.balance;
  return (
    <section class="territory-balance" aria-label={t('balance.title', { departement: `${b().departementName} (${b().departementCode})` })} data-testid="territory-balance">
      <h4>
        {t('balance.title', { departement: `${b().departementName} (${b().departementCode})` })} <BalanceBadge status={b().status} />
      </h4>
      <dl class="facts compact">
        <div>
          <dt>{t('balance.funding', { year: b().year })}</dt>
          <dd>{money(b().fundingCents)}</dd>
        </div>
        <div>
          <dt>{t('balance.qualified')}</dt>
          <dd>{formatNumber(b().qualifiedPlaces)}</dd>
        </div>
        <div>
          <dt>{t('balance.range')}</dt>
          <dd>{t('balance.rangeValue', { min: oneDecimal(b().sustainableMin), max: oneDecimal(b().sustainableMax) })}</dd>
        </div>
      </dl>
    </section>
  );
}
