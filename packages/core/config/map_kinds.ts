/**
 * Which map a model is read by: every method defines some, the first its
 * own (what it was trained to give):
 *
 * | method   | maps                                                             |
 * | -------- | ---------------------------------------------------------------- |
 * | minmax   | `r+` (the mask R+), `m+` (M+ normalised to [0, 1]), `cam`        |
 * | wildcat  | `m+`, `cam`                                                      |
 * | cam      | `cam`, `gradcam`                                                 |
 * | gradcam  | `gradcam`, `cam`                                                 |
 * | deepmil  | `attention`                                                      |
 *
 * `cam` and `gradcam` are maps of one class: the predicted one, or a class
 * asked for by name. For WILDCAT heads (minmax's localizer, wildcat), `cam`
 * is the head's class map (its modalities pooled), upsampled as M+ is; for
 * GAP classifiers, the class activation map. Every map but R+ is normalised
 * per image to [0, 1], as the baselines' maps are.
 *
 * @example
 * ```ts
 * import { resolveMapRequest } from "./map_kinds.ts";
 * resolveMapRequest("minmax", ["benign", "malignant"], { mapClass: "benign" });
 * // { kind: "cam", classIndex: 0 }
 * ```
 * @module
 */
import type { Method } from "./options.ts";

/** The maps a model can be read by. */
export const MAP_KINDS = ["r+", "m+", "cam", "gradcam", "attention"] as const;
/** A map kind. */
export type MapKind = typeof MAP_KINDS[number];

/** The maps each method defines; its own first. */
export const METHOD_MAPS: Readonly<Record<Method, readonly MapKind[]>> = {
  minmax: ["r+", "m+", "cam"],
  wildcat: ["m+", "cam"],
  cam: ["cam", "gradcam"],
  gradcam: ["gradcam", "cam"],
  deepmil: ["attention"],
};

/** Maps of one class. */
export const CLASS_MAP_KINDS: readonly MapKind[] = ["cam", "gradcam"];

/** How the map is named in pictures and messages. */
export const MAP_LABELS: Readonly<Record<MapKind, string>> = {
  "r+": "R+",
  "m+": "M+",
  cam: "CAM",
  gradcam: "Grad-CAM",
  attention: "attention",
};

/** The map to read: its kind and, for a map of one class, the class (default: the predicted). */
export interface MapRequest {
  kind: MapKind;
  classIndex?: number;
}

/** A map or class that a model cannot give; `field` is the option at fault. */
export class MapRequestError extends Error {
  override name = "MapRequestError";

  constructor(readonly field: "map" | "mapClass", readonly reason: string) {
    super(`${field} ${reason}`);
  }
}

/** `R+` and `r+` alike. */
export function parseMapKind(name: string): MapKind | undefined {
  const kind = name.toLowerCase();
  return (MAP_KINDS as readonly string[]).includes(kind) ? kind as MapKind : undefined;
}

/**
 * The map request of a method for a map name and a class name (both
 * optional). A class alone asks for the method's map of one class.
 *
 * @throws {MapRequestError} for a map the method does not define, a class
 * given with a map that is not of one class, or an unknown class.
 */
export function resolveMapRequest(
  method: Method,
  classes: readonly string[],
  o: { map?: string; mapClass?: string },
): MapRequest {
  const defined = METHOD_MAPS[method];
  const perClass = defined.filter((k) => CLASS_MAP_KINDS.includes(k));
  const noClassMaps = () =>
    new MapRequestError(
      "mapClass",
      `needs a map of one class, and a ${method} model has none (its maps: ${defined.join(", ")})`,
    );
  let kind: MapKind;
  if (o.map !== undefined) {
    const parsed = parseMapKind(o.map);
    if (parsed === undefined) {
      throw new MapRequestError("map", `must be one of ${MAP_KINDS.join(", ")}, got '${o.map}'`);
    }
    if (!defined.includes(parsed)) {
      throw new MapRequestError(
        "map",
        `${parsed} is not a map of this model: this model's method is ${method}, whose maps are ` +
          defined.join(", "),
      );
    }
    kind = parsed;
  } else if (o.mapClass !== undefined) {
    if (perClass.length === 0) throw noClassMaps();
    kind = perClass[0];
  } else kind = defined[0];
  if (o.mapClass === undefined) return { kind };
  if (perClass.length === 0) throw noClassMaps();
  if (!CLASS_MAP_KINDS.includes(kind)) {
    throw new MapRequestError(
      "mapClass",
      `needs a map of one class (--map ${perClass.join(" or ")}); ${kind} is not the map of one ` +
        "class",
    );
  }
  const classIndex = classes.indexOf(o.mapClass);
  if (classIndex < 0) {
    throw new MapRequestError(
      "mapClass",
      `'${o.mapClass}' is not a class of this model (${classes.join(", ")})`,
    );
  }
  return { kind, classIndex };
}
