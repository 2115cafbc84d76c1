/**
 * The format of the pictures `predict` and `eval --overlays` write. Overlays
 * and panels are photographs: a 775x522 GlaS overlay is 193 KB as JPEG and
 * 121 KB as WebP against 686 KB as PNG. Masks are always PNG, which stays
 * exact.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "../args.ts";
 * import { imageFormat } from "./image_flags.ts";
 * assert.equal(imageFormat({}), "jpeg");
 * assert.equal(imageFormat({ "image-format": "jpg" }), "jpeg");
 * assert.throws(() => imageFormat({ "image-format": "gif" }), UsageError);
 * ```
 * @module
 */
import { IMAGE_FORMATS, type ImageFormat } from "@pointwise/core/lite";
import { str, UsageError } from "../args.ts";
import { helpRows } from "../console/help.ts";

/** The flag. */
export const IMAGE_OPTIONS = { "image-format": { type: "string" } } as const;

/** Help line for the flag (a row of a command's output section). */
export const IMAGE_HELP: string = helpRows([[
  "--image-format F",
  "pictures as jpeg (quality 90), webp (quality 90) or png (lossless) [jpeg]; masks are " +
  "always PNG",
]]);

/** The chosen format [jpeg]. */
export function imageFormat(values: Record<string, unknown>): ImageFormat {
  const f = str(values, "image-format", "jpeg")!;
  const format = f === "jpg" ? "jpeg" : f;
  if (!(IMAGE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--image-format must be one of ${IMAGE_FORMATS.join(", ")}, got '${f}'`);
  }
  return format as ImageFormat;
}
