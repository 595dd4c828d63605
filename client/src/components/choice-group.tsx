import { For, Show } from 'solid-js';

interface Option {
  value: string;
  label: string;
}

interface Props {
  name: string;
  legend: string;
  /** `radio`: one value; `checkbox`: any number of values. */
  type: 'radio' | 'checkbox';
  options: readonly Option[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  hint?: string;
  error?: string;
  /** Options side by side (yes / no) rather than one per line. */
  inline?: boolean;
}

/** A fieldset of radios or checkboxes with its legend, hint and error read with the group. */
export function ChoiceGroup(props: Props) {
  const errorId = () => `${props.name}-error`;
  const hintId = () => `${props.name}-hint`;
  const toggle = (value: string, checked: boolean) => {
    if (props.type === 'radio') return props.onChange([value]);
    props.onChange(checked ? [...props.selected, value] : props.selected.filter((v) => v !== value));
  };
  return (
    <fieldset
      class="field choice-group"
      classList={{ inline: props.inline, invalid: !!props.error }}
      aria-describedby={[props.hint ? hintId() : '', props.error ? errorId() : ''].filter(Boolean).join(' ') || undefined}
    >
      <legend>{props.legend}</legend>
      <Show when={props.hint}>
        <p id={hintId()} class="hint">
          {props.hint}
        </p>
      </Show>
      <For each={props.options}>
        {(option, index) => (
          <div class="choice">
            <input
              type={props.type}
              id={`${props.name}-${index()}`}
              name={props.name}
              value={option.value}
              checked={props.selected.includes(option.value)}
              onChange={(e) => toggle(option.value, e.currentTarget.checked)}
            />
            <label for={`${props.name}-${index()}`}>{option.label}</label>
          </div>
        )}
      </For>
      <Show when={props.error}>
        <p id={errorId()} class="field-error">
          {props.error}
        </p>
      </Show>
    </fieldset>
  );
}
