/**
 * Mask contours as GeoJSON in the form QuPath imports as annotations: a
 * FeatureCollection of Polygon features in level-0 pixel coordinates, each
 * with `properties.objectType: "annotation"` and
 * `properties.classification: { name, color: [r, g, b] }`. Rings are closed
 * and wound as RFC 7946 asks (outer counter-clockwise, holes clockwise, in
 * the coordinates as written).
 *
 * @example
 * ```ts
 * import { polygonsToGeoJson } from "./geojson.ts";
 * const square = [[0, 0, 0, 1, 1, 1, 1, 0]];
 * const fc = polygonsToGeoJson([square], { name: "tumour", color: [200, 0, 0] }, { x: 4, y: 4 });
 * fc.features[0].geometry.coordinates[0][2]; // [4, 4]
 * ```
 * @module
 */
import { type Polygon, type Ring, signedArea2 } from "./marching_squares.ts";

/** A QuPath classification. */
export interface Classification {
  name: string;
  color: [number, number, number];
}

/** A GeoJSON Polygon feature as QuPath reads it. */
export interface AnnotationFeature {
  type: "Feature";
  id: string;
  geometry: { type: "Polygon"; coordinates: number[][][] };
  properties: {
    objectType: "annotation";
    name: string;
    classification: Classification;
    isLocked: boolean;
  };
}

/** A GeoJSON FeatureCollection of annotations. */
export interface AnnotationCollection {
  type: "FeatureCollection";
  features: AnnotationFeature[];
}

function toPositions(ring: Ring, scale: { x: number; y: number }, ccw: boolean): number[][] {
  const pts: number[][] = [];
  for (let i = 0; i < ring.length; i += 2) {
    // Round to 1/1000 pixel: exact for the half-pixel grid times any sane scale, and short.
    pts.push([
      Math.round(ring[i] * scale.x * 1000) / 1000,
      Math.round(ring[i + 1] * scale.y * 1000) / 1000,
    ]);
  }
  if ((signedArea2(ring) > 0) !== ccw) pts.reverse();
  pts.push([...pts[0]]);
  return pts;
}

/** A deterministic id in UUID form (QuPath reads feature ids as UUIDs). */
function featureId(k: number): string {
  return `00000000-0000-4000-8000-${(k + 1).toString(16).padStart(12, "0")}`;
}

/**
 * GeoJSON of `polygons` (outer ring then holes, in mask pixels), scaled to
 * level-0 pixels by `scale` (level-0 pixels per mask pixel).
 */
export function polygonsToGeoJson(
  polygons: Polygon[],
  classification: Classification,
  scale: { x: number; y: number },
  name = classification.name,
): AnnotationCollection {
  return {
    type: "FeatureCollection",
    features: polygons.map((p, k) => ({
      type: "Feature",
      id: featureId(k),
      geometry: {
        type: "Polygon",
        coordinates: p.map((ring, i) => toPositions(ring, scale, i === 0)),
      },
      properties: { objectType: "annotation", name, classification, isLocked: false },
    })),
  };
}
