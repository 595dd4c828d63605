import { For } from 'solid-js';
import type { RoundDashboard } from '../api/dashboards';
import { formatNumber, money, t } from '../i18n';

type Money = RoundDashboard['money'];
const STEPS = ['targetCents', 'postedCents', 'fundedCents', 'awardedCents', 'deliveredCents'] as const;
type Step = (typeof STEPS)[number];

const TESTIDS: Partial<Record<Step, string>> = { targetCents: 'money-target', deliveredCents: 'money-delivered' };

/** Percent of the target, in whole units (integer arithmetic on cents). */
const percentOf = (cents: number, target: number) => (target > 0 ? Math.floor((cents * 100) / target) : 0);

/**
 * A round's money from its target down to what was delivered: one bar per step, its amount and
 * its share of the target printed beside it, so the bars are never the only source.
 */
export function MoneyBars(props: { money: Money }) {
  const scale = () => Math.max(1, ...STEPS.map((step) => props.money[step]));
  return (
    <dl class="money-bars">
      <For each={STEPS}>
        {(step) => (
          <div class={`money-step step-${step}`}>
            <dt>{t(`roundMoney.${step}`)}</dt>
            <dd>
              <span class="money-figure" data-testid={TESTIDS[step]}>
                {money(props.money[step])}
              </span>
              <span class="muted">
                {' '}
                {step === 'targetCents' ? '' : t('roundMoney.ofTarget', { percent: formatNumber(percentOf(props.money[step], props.money.targetCents)) })}
              </span>
              <span class="money-bar" aria-hidden="true">
                <span style={{ width: `${Math.min(100, (props.money[step] / scale()) * 100)}%` }} />
              </span>
            </dd>
          </div>
        )}
      </For>
    </dl>
  );
}
