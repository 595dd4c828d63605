import { Show } from 'solid-js';

interface Props {
  name: string;
  /** The element id, when one page shows the same field several times (defaults to `name`). */
  id?: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'date' | 'month';
  autocomplete?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
  required?: boolean;
  min?: string;
  max?: string;
  value: string;
  onInput: (value: string) => void;
  /** A hint under the label (format, rule), read with the field. */
  hint?: string;
  /** The field's error, from the shared zod schema or the server's BAD_REQUEST answer. */
  error?: string;
  testid?: string;
  /** A multi-line text (description, note). */
  multiline?: boolean;
}

/** A labelled input whose hint and error are announced with it (aria-invalid + aria-describedby). */
export function TextField(props: Props) {
  const id = () => props.id ?? props.name;
  const errorId = () => `${id()}-error`;
  const hintId = () => `${id()}-hint`;
  const describedBy = () => [props.hint ? hintId() : '', props.error ? errorId() : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id()}>{props.label}</label>
      <Show when={props.hint}>
        <p id={hintId()} class="hint">
          {props.hint}
        </p>
      </Show>
      <Show
        when={props.multiline}
        fallback={
          <input
            id={id()}
            name={props.name}
            type={props.type ?? 'text'}
            autocomplete={props.autocomplete}
            inputMode={props.inputMode}
            required={props.required}
            min={props.min}
            max={props.max}
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
            aria-invalid={!!props.error}
            aria-describedby={describedBy()}
            data-testid={props.testid}
          />
        }
      >
        <textarea
          id={id()}
          name={props.name}
          required={props.required}
          rows={4}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={!!props.error}
          aria-describedby={describedBy()}
          data-testid={props.testid}
        />
      </Show>
      <Show when={props.error}>
        <p id={errorId()} class="field-error">
          {props.error}
        </p>
      </Show>
    </div>
  );
}
