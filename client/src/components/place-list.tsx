import { createEffect, createResource, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { PlaceSummary } from '../api/places';
import { money, t } from '../i18n';
import { useRoom } from '../realtime';
import { ratio } from '../session';
import { ErrorBox } from './error-box';
import { PlaceCard } from './place-card';
import { valueOf } from '../resource';

/**
 * Places with their live figures: each place's room pushes `place.figures`, merged into the
 * store by id; a gap in the room's sequence refetches the whole list.
 */
export function PlaceList(props: { load: () => Promise<PlaceSummary[]>; empty: string }) {
  const [places, { refetch }] = createResource(props.load);
  const [store, setStore] = createStore<PlaceSummary[]>([]);
  createEffect(() => {
    const list = valueOf(places);
    if (list) setStore(reconcile(list, { key: 'id' }));
  });

  return (
    <>
      <p class="muted">
        {t('ratio.band', { floor: money(ratio().floorCents), ceiling: money(ratio().ceilingCents) })}
      </p>
      <Show when={places.error}>
        <ErrorBox error={places.error} />
      </Show>
      <Show when={valueOf(places)} fallback={<p class="loading">{t('app.loading')}</p>}>
        <Show when={store.length > 0} fallback={<p>{props.empty}</p>}>
          <div class="place-grid">
            <For each={store}>
              {(place) => {
                useRoom(`place:${place.id}`, 'place.figures', (message) => {
                  const { placeId, ...figures } = message.payload;
                  const index = store.findIndex((p) => p.id === placeId);
                  if (index >= 0 && figures.year === store[index]!.figures.year) setStore(index, 'figures', figures);
                }, () => void refetch());
                return <PlaceCard place={place} />;
              }}
            </For>
          </div>
        </Show>
      </Show>
    </>
  );
}
