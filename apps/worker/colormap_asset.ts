/**
 * The demo page's colour map as a JavaScript module, generated from the
 * core's {@link colormap} (turbo), so that the page paints heat maps in the
 * colours the CLI and the API write: `TURBO` holds 256 RGB triples, entry k
 * being `colormap(k / 255)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { colormapModule } from "./colormap_asset.ts";
 * assert.ok(colormapModule().startsWith("// Generated"));
 * ```
 * @module
 */
import { colormap } from "@pointwise/core/viz";

let text: string | undefined;

/** The module's source text. */
export function colormapModule(): string {
  if (text === undefined) {
    const rgb = Array.from({ length: 256 }, (_, k) => colormap(k / 255).join(",")).join(",");
    text = `// Generated from packages/core/viz/colormap.ts: turbo at k / 255, RGB.
export const TURBO = new Uint8Array([${rgb}]);
/** RGB of t in [0, 1]. */
export function turbo(t) {
  const k = 3 * Math.round(255 * Math.min(1, Math.max(0, t)));
  return [TURBO[k], TURBO[k + 1], TURBO[k + 2]];
}
`;
  }
  return text;
}
