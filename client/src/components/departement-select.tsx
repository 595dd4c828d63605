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
  /** One département only (a drop-down), with this first empty choice. */
  single?: { placeholder: string };
}

/**
 * Several départements from the INSEE list, with the selection read back in words and the
 * field's error; or one, as a drop-down, with `single`.
 */
export function DepartementSelect(props: Props) {
  const hintId = () => `${props.id}-hint`;
  const errorId = () => `${props.id}-error`;
  return (
    <Show when={!props.single} fallback={<SingleDepartementSelect {...props} />}>
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
    </Show>
  );
}

function SingleDepartementSelect(props: Props) {
  const errorId = () => `${props.id}-error`;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        aria-describedby={props.error ? errorId() : undefined}
        aria-invalid={!!props.error}
        onChange={(e) => props.onChange(e.currentTarget.value ? [e.currentTarget.value] : [])}
        data-testid={props.testid}
      >
        <option value="">{props.single?.placeholder}</option>
        <For each={DEPARTEMENTS}>
          {(d) => (
            <option value={d.code} selected={props.selected[0] === d.code}>
              {d.code} — {d.nom}
            </option>
          )}
        </For>
      </select>
      <Show when={props.error}>
        <p id={errorId()} class="field-error">
          {props.error}
        </p>
      </Show>
    </div>
  );
}
