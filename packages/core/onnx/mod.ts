/**
 * ONNX export: a min-max model's whole inference graph (padding, localizer,
 * M+, its upsampling, R+, the classifier on X+, the crop back) as a standard
 * ONNX file, serialised with the ONNX schema, with the classes, the
 * normalisation and the config in its metadata.
 *
 * @example
 * ```ts ignore
 * import { exportOnnx } from "@pointwise/core/onnx";
 * const bytes = exportOnnx(checkpoint);
 * ```
 * @module
 */
export { exportOnnx, ONNX_FORMAT, ONNX_IR_VERSION, ONNX_OPSET } from "./export_onnx.ts";
