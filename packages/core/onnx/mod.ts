/**
 * ONNX export: a min-max model's whole inference graph (padding, localizer,
 * M+, its upsampling, R+, the classifier on X+, the crop back) as a standard
 * ONNX file, serialised with the ONNX schema, with the classes, the
 * normalisation and the config in its metadata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildModel, Rng } from "@pointwise/core/model";
 * import { exportOnnx, ONNX_OPSET } from "@pointwise/core/onnx";
 * import { PRESETS, withOverrides } from "@pointwise/core";
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * const net = buildModel(config, ["benign", "malignant"], new Rng(0));
 * const onnx = exportOnnx({ config, classes: ["benign", "malignant"], weights: await net.store.read() });
 * net.dispose();
 * assert.ok(onnx.length > 1000 && ONNX_OPSET === 17);
 * ```
 * @module
 */
export { exportOnnx, ONNX_FORMAT, ONNX_IR_VERSION, ONNX_OPSET } from "./export_onnx.ts";
