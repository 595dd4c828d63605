import { createResource, createSignal, For, Show } from 'solid-js';
import type { AllocationProposal } from '../api/awards';
import { formatNumber, money, t } from '../i18n';
import { RatioBadge } from './badges';
import { ErrorBox } from './error-box';

type ProposalLine = AllocationProposal['recommendation']['lines'][number];

interface Props {
  /** Reads the proposal: `awards.recommend` for a funder, `drafts.recommend` for a partnership lead. */
  load: () => Promise<AllocationProposal>;
  /** Changes whenever the lines or the awarded total change: the proposal is fetched again. */
  refreshKey: string;
  /** Where the proposal is applied: the funder's award form, or the partnership's joint draft. */
  context?: 'award' | 'draft';
  /** The place and bidder of a standing line, as the award form knows them. */
  describe: (bidId: number, placeId: number) => { place: string; bidder: string } | undefined;
  /** Fills the form (or the draft) with the recommended quantities. */
  onApply: (lines: ProposalLine[]) => void;
}

const AWARD_TEXTS = { intro: 'allocation.intro', applied: 'allocation.applied' } as const;
const DRAFT_TEXTS = { intro: 'allocation.draftIntro', applied: 'allocation.draftApplied' } as const;

/**
 * « Proposition consolidante » (DESIGN §3, issue 6): the server's recommendation for what is
 * left of the order, each place's status before → after, and how many places it brings to the
 * floor against a naive pro-rata split. Applying it only fills the form; the funder decides.
 */
export function AllocationPanel(props: Props) {
  const [proposal] = createResource(
    () => props.refreshKey,
    () => props.load(),
  );
  const texts = () => (props.context === 'draft' ? DRAFT_TEXTS : AWARD_TEXTS);
  const [applied, setApplied] = createSignal(false);
  const value = () => (proposal.error ? undefined : proposal());
  const shown = (lines: ProposalLine[]) => lines.filter((l) => l.quantity > 0 || props.describe(l.bidId, l.placeId));

  return (
    <section class="allocation-panel" aria-labelledby="allocation-title" data-testid="allocation-panel">
      <h4 id="allocation-title">{t('allocation.title')}</h4>
      <Show when={proposal.error}>
        <ErrorBox error={proposal.error} />
      </Show>
      <Show when={value()} fallback={<Show when={!proposal.error}><p class="loading">{t('allocation.loading')}</p></Show>}>
        {(p) => (
          <Show when={p().quantity > 0 && p().recommendation.lines.length > 0} fallback={<p class="muted">{t('allocation.none')}</p>}>
            <p class="muted">{t(texts().intro, { count: formatNumber(p().quantity) })}</p>
            <div class="table-scroll">
              <table>
                <caption class="visually-hidden">{t('allocation.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('allocation.place')}</th>
                    <th scope="col" class="num">{t('allocation.quantity')}</th>
                    <th scope="col">{t('allocation.reason')}</th>
                    <th scope="col">{t('allocation.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={shown(p().recommendation.lines)}>
                    {(line) => {
                      const names = () => props.describe(line.bidId, line.placeId);
                      return (
                        <tr data-testid="allocation-line" data-bid={line.bidId} data-place={line.placeId} data-quantity={line.quantity}>
                          <th scope="row">
                            {names()?.place ?? `#${line.placeId}`}
                            <Show when={names()?.bidder}>{(bidder) => <span class="tag block">{bidder()}</span>}</Show>
                          </th>
                          <td class="num">{formatNumber(line.quantity)}</td>
                          <td>{t(`allocation.reason.${line.reason}`)}</td>
                          <td class="nowrap" data-testid="allocation-status">
                            <RatioBadge status={line.before} /> <span aria-hidden="true">→</span>
                            <span class="visually-hidden">{t('allocation.becomes')}</span> <RatioBadge status={line.after} />
                          </td>
                        </tr>
                      );
                    }}
                  </For>
                </tbody>
              </table>
            </div>
            <ul class="plain allocation-summary" data-testid="allocation-summary">
              <li>{t('allocation.summaryBrought', { count: formatNumber(p().recommendation.summary.broughtToFloor) })}</li>
              <li>{t('allocation.summaryInBand', { count: formatNumber(p().recommendation.summary.inBand) })}</li>
              <li>{t('allocation.summaryFragile', { count: formatNumber(p().recommendation.summary.stillFragile) })}</li>
              <Show when={p().recommendation.summary.saturated > 0}>
                <li>{t('allocation.summarySaturated', { count: formatNumber(p().recommendation.summary.saturated) })}</li>
              </Show>
              <li>
                {t('allocation.summaryUnallocated', {
                  count: formatNumber(p().recommendation.summary.unallocated),
                  amount: money(p().recommendation.summary.unallocatedCents, false),
                })}
              </li>
            </ul>
            <div class="allocation-compare" role="group" aria-label={t('allocation.compareTitle')}>
              <p data-testid="prorata-brought" data-count={p().proRata.broughtToFloor}>
                {t('allocation.proRataBrought', { count: formatNumber(p().proRata.broughtToFloor) })}
              </p>
              <p data-testid="allocation-brought" data-count={p().recommendation.summary.broughtToFloor}>
                <strong>{t('allocation.proposalBrought', { count: formatNumber(p().recommendation.summary.broughtToFloor) })}</strong>
              </p>
            </div>
            <button
              type="button"
              class="button ghost"
              onClick={() => {
                props.onApply(p().recommendation.lines);
                setApplied(true);
              }}
              data-testid="apply-allocation"
            >
              {t('allocation.apply')}
            </button>
            <p role="status" class="success">
              {applied() ? t(texts().applied) : ''}
            </p>
          </Show>
        )}
      </Show>
      <details class="allocation-rule">
        <summary>{t('allocation.ruleTitle')}</summary>
        <ol>
          <li>{t('allocation.rule1')}</li>
          <li>{t('allocation.rule2')}</li>
          <li>{t('allocation.rule3')}</li>
          <li>{t('allocation.rule4')}</li>
        </ol>
      </details>
    </section>
  );
}
