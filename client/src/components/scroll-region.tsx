import type { JSX } from 'solid-js';

/**
 * A wide table's horizontal scroller. It takes the focus so that keyboard users can scroll it
 * (WCAG 2.1.1), and is named by the table it holds.
 */
export function ScrollRegion(props: { label: string; children: JSX.Element }) {
  return (
    <div class="table-scroll" tabindex="0" role="region" aria-label={props.label}>
      {props.children}
    </div>
  );
}
