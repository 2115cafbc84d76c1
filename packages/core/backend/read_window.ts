/**
 * Reads a window of a single-channel map [1, H, W, 1] into a new array of
 * the window's size. On the wasm backend the window is copied straight from
 * the heap: `data()` would first copy the whole map into a new array, and
 * each new page of a fresh array costs a page fault (400 of them, about 5 ms,
 * for the map of a 775x522 prediction on this machine); elsewhere it reads
 * the map and crops it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "./tf.ts";
 * import { readWindow } from "./read_window.ts";
 * const map = tf.tensor4d([0, 1, 2, 3, 4, 5], [1, 2, 3, 1]);
 * assert.deepEqual(Array.from(await readWindow(map, 0, 1, 2, 2)), [1, 2, 4, 5]);
 * map.dispose();
 * ```
 * @module
 */
import { tf } from "./tf.ts";

interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** map[0, y0 .. y0 + h, x0 .. x0 + w, 0] as h * w floats, row-major. */
export async function readWindow(
  map: tf.Tensor4D,
  y0: number,
  x0: number,
  h: number,
  w: number,
): Promise<Float32Array> {
  const [n, height, width, c] = map.shape;
  if (n !== 1 || c !== 1 || y0 < 0 || x0 < 0 || y0 + h > height || x0 + w > width) {
    throw new RangeError(`a ${h}x${w} window at (${y0}, ${x0}) of a map ${map.shape}`);
  }
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  const src = tf.getBackend() === "wasm" && map.dtype === "float32" &&
      typeof backend.typedArrayFromHeap === "function"
    ? backend.typedArrayFromHeap(map) as Float32Array
    : await map.data() as Float32Array;
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const from = (y0 + y) * width + x0;
    out.set(src.subarray(from, from + w), y * w);
  }
  return out;
}
