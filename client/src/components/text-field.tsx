import { Show } from 'solid-js';

interface Props {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'number';
  autocomplete?: string;
  required?: boolean;
  value: string;
  onInput: (value: string) => void;
  /** The field's error, from the shared zod schema or the server's BAD_REQUEST answer. */
  error?: string;
}

/** A labelled input whose error is announced with it (aria-invalid + aria-describedby). */
export function TextField(props: Props) {
  const errorId = () => `${props.name}-error`;
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <input
        id={props.name}
        name={props.name}
        type={props.type ?? 'text'}
        autocomplete={props.autocomplete}
        required={props.required}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={!!props.error}
        aria-describedby={props.error ? errorId() : undefined}
      />
      <Show when={props.error}>
        <p id={errorId()} class="field-error">
          {props.error}
        </p>
      </Show>
    </div>
  );
}
