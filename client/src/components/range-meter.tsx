import { Show } from 'solid-js';

interface Props {
  value: number;
  /** The expected yearly range (1 500–2 500 services, 150–500 people). */
  min: number;
  max: number;
  /** An extra mark on the scale: the place's own declared capacity. */
  marker?: number;
  /** The whole reading in words, for assistive technologies. */
  label: string;
}

/** A count against an expected range: the band is shaded, the value a solid bar, the marker a line. */
export function RangeMeter(props: Props) {
  const scale = () => Math.max(props.max * 1.2, props.value, props.marker ?? 0, 1);
  const pct = (n: number) => `${Math.min(100, (n / scale()) * 100)}%`;
  return (
    <div class="range-meter" role="img" aria-label={props.label}>
      <div class="band" style={{ left: pct(props.min), width: `calc(${pct(props.max)} - ${pct(props.min)})` }} />
      <div class="value" style={{ width: pct(props.value) }} />
      <Show when={props.marker}>{(marker) => <div class="marker" style={{ left: pct(marker()) }} />}</Show>
    </div>
  );
}
