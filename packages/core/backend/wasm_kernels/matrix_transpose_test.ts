import assert from "node:assert/strict";
import { transposeMatrix } from "./matrix_transpose.ts";

Deno.test("transposeMatrix matches the definition across block edges and offsets", () => {
  for (const [rows, cols] of [[1, 1], [2, 3], [37, 45], [64, 33]]) {
    const src = Float32Array.from({ length: rows * cols + 5 }, (_, i) => i * 0.5 - 7);
    const dst = new Float32Array(rows * cols + 3).fill(NaN);
    transposeMatrix(src, 5, rows, cols, dst, 3);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) assert.equal(dst[3 + j * rows + i], src[5 + i * cols + j]);
    }
    assert.ok(dst.subarray(0, 3).every(Number.isNaN), "nothing written before the offset");
  }
});
