import { createEffect, Show } from 'solid-js';

/**
 * The message above a form after a refused submission. It takes the focus when it appears, so a
 * keyboard or screen-reader user lands on it and reads what to correct.
 */
export function FormAlert(props: { message: string | undefined; testid?: string }) {
  let box: HTMLDivElement | undefined;
  createEffect(() => {
    if (props.message) queueMicrotask(() => box?.focus());
  });
  return (
    <Show when={props.message}>
      <div class="alert error" role="alert" tabindex="-1" ref={(el) => (box = el)} data-testid={props.testid}>
        {props.message}
      </div>
    </Show>
  );
}
