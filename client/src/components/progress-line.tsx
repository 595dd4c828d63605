import { Show } from 'solid-js';

interface Props {
  value: number;
  max: number;
  /** What the bar measures, for assistive technologies (« Réalisé : 40 sur 100 »). */
  label: string;
  /** The figures printed beside the bar, so the bar is never the only source. */
  text: string;
  testid?: string;
}

/** A progress bar with its figures printed beside it. */
export function ProgressLine(props: Props) {
  return (
    <div class="progress-line">
      <progress max={Math.max(1, props.max)} value={Math.min(props.value, Math.max(1, props.max))} aria-label={props.label} />
      <Show when={props.text}>
        <span class="progress-text" data-testid={props.testid}>
          {props.text}
        </span>
      </Show>
    </div>
  );
}
