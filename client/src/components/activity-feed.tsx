import { For, Show } from 'solid-js';
import type { RoundActivity } from '../../../shared/events';
import { formatDateTime, formatNumber, money, t } from '../i18n';

/** One line of a round's feed in words: order titles, counts and amounts, never a person. */
export function activitySentence(item: RoundActivity): string {
  const params = { title: item.orderTitle, count: formatNumber(item.count), amount: money(item.amountCents) };
  return t(`feed.${item.kind}`, params);
}

/** The live feed of a round: newest first, announced politely as a log. */
export function ActivityFeed(props: { items: readonly RoundActivity[]; labelledBy: string }) {
  return (
    <div role="log" aria-labelledby={props.labelledBy} class="activity-feed" data-testid="activity-feed">
      <Show when={props.items.length > 0} fallback={<p class="muted">{t('feed.empty')}</p>}>
        <ol class="plain">
          <For each={props.items}>
            {(item) => (
              <li data-testid="activity-item" data-kind={item.kind}>
                <time datetime={item.at}>{formatDateTime(item.at)}</time>
                <span>{activitySentence(item)}</span>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </div>
  );
}
