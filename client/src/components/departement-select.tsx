import { For, Show } from 'solid-js';
import { DEPARTEMENTS, departementLabel } from '../../../shared/domain/territory';
import { t } from '../i18n';

interface Props {
  id: string;
  label: string;
  selected: readonly string[];
  onChange: (codes: string[]) => void;
  error?: string;
  testid?: string;
}

/** Several départements from the INSEE list, with the selection read back in words and the field's error. */
export function DepartementSelect(props: Props) {
  const hintId = () => `${props.id}-hint`;
  const errorId = () => `${props.id}-error`;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <p id={hintId()} class="hint">
        {t('newOrder.departementsHint')}
      </p>
      <select
        id={props.id}
        multiple
        size={8}
        aria-describedby={props.error ? `${hintId()} ${errorId()}` : hintId()}
        aria-invalid={!!props.error}
        onChange={(e) => props.onChange([...e.currentTarget.selectedOptions].map((o) => o.value))}
        data-testid={props.testid}
      >
        <For each={DEPARTEMENTS}>
          {(d) => (
            <option value={d.code} selected={props.selected.includes(d.code)}>
              {d.code} — {d.nom}
            </option>
          )}
        </For>
      </select>
      <p class="hint" aria-live="polite">
        {t('newOrder.selected', { list: props.selected.map(departementLabel).join(', ') || '—' })}
      </p>
      <Show when={props.error}>
        <p id={errorId()} class="field-error">
          {props.error}
        </p>
      </Show>
    </div>
  );
}
