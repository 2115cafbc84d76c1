// Both instruction sets of our kernels (WASM SIMD, and relaxed SIMD's fused
// multiply-add in the GEMM microkernels) against the cpu backend, so that
// the set a host does not pick by default is tested too. The rest of the
// suite runs the default, relaxed SIMD where the host has it.
//
// Tolerances: those of the kernels' own parity tests (winograd_test.ts:
// F(4x4,3x3) amplifies rounding about 7x, 2e-5 relative L2; the gradients by
// columns and by direct products, conv2d_backprop_*_test.ts: 1e-5). A fused
// multiply-add rounds once where a multiply then an add rounds twice, so it
// can only shrink the rounding those bounds allow for; a wrong operand or
// accumulator is off by order 1.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { initBackend } from "../backend.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { CONV_CASES, outSize } from "./_cases.ts";
import { type KernelIsa, relaxedSimdSupported, setKernelIsa, simdLoopsFor } from "./simd_loops.ts";
import { setWinogradMode } from "./winograd.ts";

/** The forward pass, by Winograd F(4x4) where eligible, and both gradients. */
function passes(c: (typeof CONV_CASES)[number]): tf.Tensor[] {
  const [b, h, w, ch] = c.x;
  const dy = tensorFrom([b, outSize(h, c), outSize(w, c), c.o], 3);
  const attrs = { strides: [c.s, c.s], pad: c.pad, dataFormat: "NHWC", dilations: [1, 1] };
  const filter = tensorFrom([c.k, c.k, ch, c.o], 2);
  const x = tensorFrom(c.x, 1);
  const run = (name: string, inputs: tf.NamedTensorMap, more = {}) =>
    tf.engine().runKernel(name, inputs, { ...attrs, ...more } as unknown as tf.NamedAttrMap);
  return [
    run(tf.Conv2D, { x, filter }) as tf.Tensor,
    run(tf.Conv2DBackpropInput, { dy, filter }, { inputShape: c.x }) as tf.Tensor,
    run(tf.Conv2DBackpropFilter, { x, dy }, { filterShape: [c.k, c.k, ch, c.o] }) as tf.Tensor,
  ];
}

// Layers wide enough for the packed microkernel (8 output channels and up).
const WIDE = [
  { x: [2, 12, 10, 8], k: 3, s: 1, pad: 1, o: 16 },
  { x: [1, 9, 11, 12], k: 3, s: 2, pad: 1, o: 8 },
  { x: [1, 16, 16, 32], k: 1, s: 1, pad: 0, o: 40 },
] as typeof CONV_CASES;

Deno.test("this host has relaxed SIMD, and initBackend loads that build", async () => {
  assert.equal(relaxedSimdSupported(), true, "Deno's V8 has had relaxed SIMD since 11.4");
  await initBackend("wasm");
  assert.equal(simdLoopsFor(tf.backend())?.isa, "relaxed");
});

for (const isa of ["simd", "relaxed"] as KernelIsa[]) {
  Deno.test(`${isa} kernels match the cpu backend on every convolution pass`, async () => {
    const previousIsa = setKernelIsa(isa);
    const previous = setWinogradMode(4);
    try {
      await initBackend("wasm");
      assert.equal(simdLoopsFor(tf.backend())?.isa, isa);
      for (const c of [...CONV_CASES, ...WIDE]) {
        const ref = await onBackend("cpu", () => passes(c));
        const got = await onBackend("wasm", () => passes(c));
        assert.equal(simdLoopsFor(tf.backend())?.isa, isa);
        for (let i = 0; i < 3; i++) {
          const err = relErr(got[i], ref[i]);
          assert.ok(err < 2e-5, `${isa} ${JSON.stringify(c)} pass ${i}: relative L2 ${err}`);
        }
      }
    } finally {
      setWinogradMode(previous);
      setKernelIsa(previousIsa);
      await initBackend("wasm");
    }
  });
}
