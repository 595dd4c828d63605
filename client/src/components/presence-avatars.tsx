import { For } from 'solid-js';
import { t } from '../i18n';
import { me } from '../session';

export interface Viewer {
  userId: number;
  name: string;
}

/** « Nadia Benali » → « NB »; one word → its first two letters. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0]!.slice(0, 2).toUpperCase();
  return (words[0]![0]! + words[words.length - 1]![0]!).toUpperCase();
}

// Dark enough for white initials to keep a 4.5:1 contrast (RGAA / WCAG AA).
const COLOURS = ['#000091', '#6a3c00', '#18753c', '#8a2b00', '#6e445a', '#3558a2', '#5c5c5c', '#a4005b'];

/**
 * Who has the draft open: initials in circles, each with the full name as its accessible text,
 * and a polite summary so a screen-reader user hears people arrive and leave.
 */
export function PresenceAvatars(props: { viewers: Viewer[] }) {
  const label = (viewer: Viewer) => (viewer.userId === me()?.id ? t('draft.presenceYou', { name: viewer.name }) : viewer.name);
  return (
    <div class="presence-box">
      <h2 id="presence-title" class="visually-hidden">
        {t('draft.presence')}
      </h2>
      <ul class="presence" aria-labelledby="presence-title" data-testid="presence">
        <For each={props.viewers}>
          {(viewer) => (
            <li
              class="avatar"
              title={label(viewer)}
              style={{ 'background-color': COLOURS[viewer.userId % COLOURS.length] }}
              data-testid="presence-user"
              data-user-id={viewer.userId}
            >
              <span aria-hidden="true">{initials(viewer.name)}</span>
              <span class="visually-hidden">{label(viewer)}</span>
            </li>
          )}
        </For>
      </ul>
      <p class="visually-hidden" aria-live="polite">
        {t('draft.presenceSummary', { count: props.viewers.length, names: props.viewers.map(label).join(', ') })}
      </p>
    </div>
  );
}
