/** The six classes of the shapes dataset, in category-id order (ids 1..6). */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'star', 'hexagon', 'cross'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

/** Unit outlines centred at the origin (radius about 1) and the radius of their largest inscribed circle. */
const UNIT_SHAPES: Record<ShapeClass, { points: [number, number][]; inradius: number }> = {
  circle: { points: regular(64, 1, 0), inradius: 1 },
  square: {
    points: [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ],
    inradius: 1,
  },
  triangle: { points: regular(3, 1, -Math.PI / 2), inradius: 0.5 },
  star: { points: star(5, 1, 0.42), inradius: 0.42 * Math.cos(Math.PI / 5) },
  hexagon: { points: regular(6, 1, 0), inradius: Math.cos(Math.PI / 6) },
  cross: {
    points: [
      [-0.3, -1],
      [0.3, -1],
      [0.3, -0.3],
      [1, -0.3],
      [1, 0.3],
      [0.3, 0.3],
      [0.3, 1],
      [-0.3, 1],
      [-0.3, 0.3],
      [-1, 0.3],
      [-1, -0.3],
      [-0.3, -0.3],
    ],
    inradius: 0.3,
  },
};

/** A placed polygon in pixel coordinates. */
export interface PlacedShape {
  xs: Float64Array;
  ys: Float64Array;
  /** Tight bounding box of the polygon: [x1, y1, x2, y2]. */
  box: [number, number, number, number];
  /** Inscribed radius in pixels (limits the outline width). */
  inradius: number;
}

/**
 * The class outline rotated by `angle` and scaled so that the longer side of its bounding
 * box is `size` pixels, with the box's top-left at (left, top).
 */
export function placeShape(shape: ShapeClass, size: number, angle: number, left: number, top: number): PlacedShape {
  const unit = UNIT_SHAPES[shape];
  const rotated = rotate(unit.points, angle);
  const [minX, minY, maxX, maxY] = extent(rotated);
  const scale = size / Math.max(maxX - minX, maxY - minY);
  const xs = new Float64Array(rotated.length);
  const ys = new Float64Array(rotated.length);
  for (let i = 0; i < rotated.length; i++) {
    xs[i] = left + (rotated[i][0] - minX) * scale;
    ys[i] = top + (rotated[i][1] - minY) * scale;
  }
  return {
    xs,
    ys,
    box: [left, top, left + (maxX - minX) * scale, top + (maxY - minY) * scale],
    inradius: unit.inradius * scale,
  };
}

/** Width and height of the class outline's box after rotation and scaling to `size`. */
export function shapeExtent(shape: ShapeClass, size: number, angle: number): [number, number] {
  const [minX, minY, maxX, maxY] = extent(rotate(UNIT_SHAPES[shape].points, angle));
  const scale = size / Math.max(maxX - minX, maxY - minY);
  return [(maxX - minX) * scale, (maxY - minY) * scale];
}

/** The polygon scaled by `factor` about its centroid (used to inset the fill inside an outline). */
export function scalePolygon(
  xs: Float64Array,
  ys: Float64Array,
  factor: number,
): { xs: Float64Array; ys: Float64Array } {
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < xs.length; i++) {
    cx += xs[i];
    cy += ys[i];
  }
  cx /= xs.length;
  cy /= ys.length;
  const outX = new Float64Array(xs.length);
  const outY = new Float64Array(ys.length);
  for (let i = 0; i < xs.length; i++) {
    outX[i] = cx + (xs[i] - cx) * factor;
    outY[i] = cy + (ys[i] - cy) * factor;
  }
  return { xs: outX, ys: outY };
}

function regular(n: number, radius: number, phase: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const a = phase + (2 * Math.PI * i) / n;
    return [radius * Math.cos(a), radius * Math.sin(a)] as [number, number];
  });
}

function star(points: number, outer: number, inner: number): [number, number][] {
  return Array.from({ length: 2 * points }, (_, i) => {
    const a = -Math.PI / 2 + (Math.PI * i) / points;
    const r = i % 2 === 0 ? outer : inner;
    return [r * Math.cos(a), r * Math.sin(a)] as [number, number];
  });
}

function rotate(points: [number, number][], angle: number): [number, number][] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return points.map(([x, y]) => [x * c - y * s, x * s + y * c]);
}

function extent(points: [number, number][]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}
