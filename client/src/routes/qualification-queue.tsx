import { createEffect, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { QualificationStatus } from '../../../shared/domain/enums';
import { fetchQueue, type QueueEntry } from '../api/qualification';
import { ErrorBox } from '../components/error-box';
import { QueueRow } from '../components/queue-row';
import { t } from '../i18n';
import { useRoom } from '../realtime';
import { valueOf } from '../resource';

const TABS: QualificationStatus[] = ['applied', 'qualified', 'suspended'];

/** `/qualification`: the operator's queue, by status, with each territory's balance. */
export function QualificationQueuePage() {
  const [status, setStatus] = createSignal<QualificationStatus>('applied');
  const [queue, { refetch }] = createResource(status, fetchQueue);
  // Keyed by place: a refetch keeps the reasons being typed in the other rows.
  const [rows, setRows] = createStore<(QueueEntry & { id: number })[]>([]);
  createEffect(() => {
    const list = valueOf(queue);
    if (list) setRows(reconcile(list.map((row) => ({ ...row, id: row.place.id })), { key: 'id' }));
  });
  const [announcement, setAnnouncement] = createSignal('');

  // Any application or decision, from anyone: the queue refetches.
  useRoom('national', 'qualification.queue', () => void refetch(), () => void refetch());

  const onDecided = (message: string) => {
    setAnnouncement(message);
    void refetch();
  };

  return (
    <section aria-labelledby="queue-title">
      <p class="eyebrow">{t('kind.operator')}</p>
      <h1 id="queue-title">{t('queue.title')}</h1>
      <p>{t('queue.intro')}</p>
      <div class="tabs" role="group" aria-label={t('queue.filter')}>
        <For each={TABS}>
          {(tab) => (
            <button type="button" class="tab" aria-pressed={status() === tab} onClick={() => setStatus(tab)} data-testid={`queue-tab-${tab}`}>
              {t(`queue.tab.${tab}`)}
            </button>
          )}
        </For>
      </div>
      <p class="visually-hidden" role="status">
        {announcement()}
      </p>
      <Show when={queue.error}>
        <ErrorBox error={queue.error} />
      </Show>
      <Show when={queue.state !== 'pending' && queue.state !== 'unresolved'} fallback={<p class="loading">{t('app.loading')}</p>}>
        <Show when={rows.length > 0} fallback={<p data-testid="queue-empty">{t('queue.empty')}</p>}>
          <p class="muted">{t('queue.count', { count: rows.length })}</p>
          <ol class="queue">
            <For each={rows}>{(row) => <QueueRow entry={row} onDecided={onDecided} />}</For>
          </ol>
        </Show>
      </Show>
    </section>
  );
}
