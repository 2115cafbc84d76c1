/**
 * Names that configs and networks share, kept free of TensorFlow.js so that
 * configuration code loads without it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ARCHS, METHODS } from "./options.ts";
 * assert.ok(ARCHS.includes("resnet50"));
 * assert.equal(METHODS[0], "minmax");
 * ```
 * @module
 */

/** Backbone architectures. */
export const ARCHS = ["resnet18", "resnet34", "resnet50", "resnet101"] as const;
/** A backbone architecture name. */
export type Arch = typeof ARCHS[number];

/** How M+ is upsampled to the input (see `upsample.ts`). */
export const UPSAMPLE_MODES = ["align-corners", "stride-grid"] as const;
/** An upsampling geometry. */
export type UpsampleMode = typeof UPSAMPLE_MODES[number];

/**
 * How a model localizes. `minmax` is the method itself; the others are the
 * baselines it is compared with, trained and scored by the same code.
 */
export const METHODS = ["minmax", "wildcat", "cam", "gradcam", "deepmil"] as const;
/** A localization method. */
export type Method = typeof METHODS[number];

/** Backbone output strides: the reference's 32, or 16 and 8 with dilated convolutions. */
export const OUTPUT_STRIDES = [32, 16, 8] as const;

/**
 * How the classifier passes reach the shared backbone. The reference sends
 * both L_pos and L_neg into it (`pos-neg`); `pos` stops L_neg at the
 * backbone's features and `none` stops both, so the classifier terms train
 * cl32 only; `isolated` also keeps the classifier passes from updating the
 * backbone's BatchNorm running statistics, which the localizer uses at
 * inference: the localizer then learns exactly as if trained alone.
 */
export const BACKBONE_GRADS = ["pos-neg", "pos", "none", "isolated"] as const;
/** A {@link BACKBONE_GRADS} choice. */
export type BackboneGrad = typeof BACKBONE_GRADS[number];
