/**
 * The project's single TensorFlow.js entry point: the core API with every
 * gradient registered and the pure-JS cpu backend as the reference backend.
 *
 * tfjs-core alone registers no gradients, and its ESM gradient module cannot
 * be loaded by Deno (extension-less imports), so the `@tensorflow/tfjs` union
 * package is imported for its side effect: it registers every gradient into
 * the global registry that tfjs-core reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "./tf.ts";
 * const y = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
 * assert.equal((await y.data())[0], 3);
 * // Gradients are registered (tfjs-core alone has none).
 * const dy = tf.grad((x: tf.Tensor) => tf.square(x))(tf.scalar(3));
 * assert.equal((await dy.data())[0], 6);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

// The cpu backend greets Node-like hosts with a tfjs-node advertisement on
// first use; tfjs re-creates backends from their factory, so the factory
// itself turns it off.
tf.removeBackend("cpu");
tf.registerBackend("cpu", () => {
  const backend = new MathBackendCPU();
  (backend as unknown as { firstUse: boolean }).firstUse = false;
  return backend;
}, 1);

export { tf };
