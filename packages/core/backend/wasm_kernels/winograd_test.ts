// The Winograd kernels against the cpu backend's direct convolution, with
// F(2x2,3x3) and F(4x4,3x3) forced on every eligible case, for the forward
// pass and both gradients.
//
// Tolerances (relative L2 error against the cpu backend's float32 result):
// - F(2x2,3x3) rounds like the direct convolution: about 5e-7 relative RMS
//   against float64 at 256 input channels (numpy, stack notes); the cpu
//   backend carries as much again. Bound: 2e-6.
// - F(4x4,3x3): its transforms have entries up to 8 (A) and 5 (B), which
//   amplify rounding about 7x: 3.2e-6 relative RMS and 8e-5 worst element at
//   256 channels. Bound: 2e-5 on the L2 error, 5e-4 on the worst element
//   relative to the RMS of the result.
// A wrong tap, padding or tile edge gives errors of order 0.1 to 1, so both
// bounds still tell a bug from rounding.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { maxAbsDiff, onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import {
  setWinogradMode,
  winogradCalls,
  winogradChunkBytes,
  winogradFilter,
  type WinogradTile,
  winogradTile,
} from "./winograd.ts";

type Pad = number | "same" | "valid" | number[][];

interface Case {
  x: [number, number, number, number];
  o: number;
  pad: Pad;
}

const CASES: Case[] = [
  { x: [1, 8, 8, 8], o: 8, pad: 1 },
  // Odd sizes, tiles past the edge, 12 output channels (padded to 16 inside).
  { x: [2, 9, 7, 8], o: 12, pad: 1 },
  { x: [1, 13, 11, 12], o: 8, pad: "same" },
  { x: [2, 10, 9, 8], o: 16, pad: "valid" },
  // A map smaller than one tile, and one output row.
  { x: [1, 3, 2, 4], o: 4, pad: 1 },
  { x: [1, 3, 9, 4], o: 8, pad: "valid" },
  // Padding 2 (the output is larger than the input) and asymmetric padding.
  { x: [2, 7, 6, 16], o: 8, pad: 2 },
  { x: [1, 9, 10, 8], o: 4, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { x: [3, 12, 12, 20], o: 24, pad: 0 },
];

function outSize(n: number, pad: Pad, axis: number): number {
  if (pad === "same") return n;
  if (pad === "valid") return n - 2;
  if (typeof pad === "number") return n + 2 * pad - 2;
  return n + pad[axis][0] + pad[axis][1] - 2;
}

function attrs(c: Case) {
  return { strides: [1, 1], pad: c.pad, dataFormat: "NHWC", dilations: [1, 1] };
}

const PASSES = {
  forward: (c: Case) =>
    tf.engine().runKernel(tf.Conv2D, {
      x: tensorFrom(c.x, 1),
      filter: tensorFrom([3, 3, c.x[3], c.o], 2),
    }, attrs(c) as unknown as tf.NamedAttrMap) as tf.Tensor,
  input: (c: Case) =>
    tf.engine().runKernel(tf.Conv2DBackpropInput, {
      dy: tensorFrom([c.x[0], outSize(c.x[1], c.pad, 1), outSize(c.x[2], c.pad, 2), c.o], 3),
      filter: tensorFrom([3, 3, c.x[3], c.o], 2),
    }, { ...attrs(c), inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor,
  filter: (c: Case) =>
    tf.engine().runKernel(
      tf.Conv2DBackpropFilter,
      {
        x: tensorFrom(c.x, 1),
        dy: tensorFrom([c.x[0], outSize(c.x[1], c.pad, 1), outSize(c.x[2], c.pad, 2), c.o], 3),
      },
      { ...attrs(c), filterShape: [3, 3, c.x[3], c.o] } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor,
};

// F(6x6,3x3): about twice F(4x4)'s rounding (6.4e-6 relative RMS at 256
// channels, stack notes; 2x measured on ResNet-18's layers), so twice its
// bounds. It has the forward pass only.
const BOUNDS: Record<WinogradTile, { l2: number; worst: number }> = {
  2: { l2: 2e-6, worst: 5e-5 },
  4: { l2: 2e-5, worst: 5e-4 },
  6: { l2: 4e-5, worst: 1e-3 },
};

function rms(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s / a.length);
}

for (const m of [2, 4, 6] as const) {
  for (
    const [pass, run] of Object.entries(PASSES) as [keyof typeof PASSES, (c: Case) => tf.Tensor][]
  ) {
    if (m === 6 && pass !== "forward") continue;
    Deno.test(`Winograd F(${m}x${m},3x3) ${pass} matches the cpu backend`, async () => {
      for (const c of CASES) {
        const [ref] = await onBackend("cpu", () => run(c));
        const before = winogradCalls[pass];
        const previous = setWinogradMode(m);
        let got: Float32Array;
        try {
          [got] = await onBackend("wasm", () => run(c));
        } finally {
          setWinogradMode(previous);
        }
        assert.equal(
          winogradCalls[pass],
          before + 1,
          `${JSON.stringify(c)} did not go by Winograd`,
        );
        assert.equal(got.length, ref.length);
        const err = relErr(got, ref);
        const worst = maxAbsDiff(got, ref) / rms(ref);
        const what = `${pass} ${JSON.stringify(c)}: relative L2 ${err}, worst ${worst}`;
        assert.ok(err < BOUNDS[m].l2 && worst < BOUNDS[m].worst, what);
      }
    });
  }
}

Deno.test("the forward pass with the filter transformed per block gives the stored filter's bits", async () => {
  const c: Case = { x: [2, 11, 13, 8], o: 24, pad: 1 };
  for (const m of [2, 4, 6] as const) {
    const previous = setWinogradMode(m);
    try {
      const out: Float32Array[] = [];
      for (const store of [true, false]) {
        winogradFilter.store = store;
        out.push((await onBackend("wasm", () => PASSES.forward(c)))[0]);
        out.push((await onBackend("wasm", () => PASSES.input(c)))[0]);
      }
      assert.deepEqual(out[2], out[0]);
      assert.deepEqual(out[3], out[1]);
    } finally {
      delete winogradFilter.store;
      setWinogradMode(previous);
    }
  }
});

Deno.test("the local schedule gives the shared schedule's bits, forward and input gradient", async () => {
  // Blocks of 4 tiles (the least): 9 to 200 blocks on these maps, edges cut.
  const cases: Case[] = [{ x: [2, 29, 27, 8], o: 12, pad: 1 }, {
    x: [1, 37, 30, 16],
    o: 8,
    pad: 1,
  }];
  const saved = { ...winogradChunkBytes };
  for (const m of [2, 4, 6] as const) {
    const previous = setWinogradMode(m);
    try {
      for (const c of cases) {
        const out: Float32Array[] = [];
        for (const local of [0, 1]) {
          winogradChunkBytes.local = local;
          const before = winogradCalls.local;
          // F(6x6) has no gradient: its input gradient goes by F(4x4).
          out.push((await onBackend("wasm", () => PASSES.forward(c)))[0]);
          out.push((await onBackend("wasm", () => PASSES.input(c)))[0]);
          const want = local === 0 ? 0 : 2;
          assert.equal(winogradCalls.local - before, want, `F${m} ${JSON.stringify(c)}: schedule`);
        }
        const half = out.length / 2;
        for (let i = 0; i < half; i++) {
          assert.deepEqual(out[half + i], out[i], `F${m} ${JSON.stringify(c)} pass ${i}`);
        }
      }
    } finally {
      Object.assign(winogradChunkBytes, saved);
      setWinogradMode(previous);
    }
  }
});

Deno.test("Winograd sums the filter gradient over several chunks of tiles", async () => {
  const c: Case = { x: [2, 20, 18, 8], o: 12, pad: 1 };
  const [ref] = await onBackend("cpu", () => PASSES.filter(c));
  const saved = { ...winogradChunkBytes };
  for (const m of [2, 4] as const) {
    const previous = setWinogradMode(m);
    // 16 tiles per chunk (the least allowed): 4 to 12 chunks.
    winogradChunkBytes.filter = 1;
    winogradChunkBytes.conv = 1;
    winogradChunkBytes.convFilter = 0;
    try {
      const [got] = await onBackend("wasm", () => PASSES.filter(c));
      const [fwdRef] = await onBackend("cpu", () => PASSES.forward(c));
      const [fwd] = await onBackend("wasm", () => PASSES.forward(c));
      assert.ok(relErr(got, ref) < BOUNDS[m].l2, `filter F${m}: ${relErr(got, ref)}`);
      assert.ok(relErr(fwd, fwdRef) < BOUNDS[m].l2, `forward F${m}: ${relErr(fwd, fwdRef)}`);
    } finally {
      setWinogradMode(previous);
      Object.assign(winogradChunkBytes, saved);
    }
  }
});

Deno.test("only stride-1, undilated 3x3 NHWC layers with channels by 4 go by Winograd", () => {
  const info = (x: number[], k: number, s: number, c: number, o: number, d = 1) =>
    tf.backend_util.computeConv2DInfo(x as [number, number, number, number], [k, k, c, o], s, d, 1);
  assert.equal(winogradTile("forward", info([1, 16, 16, 8], 3, 1, 8, 8)) !== undefined, true);
  assert.equal(winogradTile("forward", info([1, 16, 16, 8], 3, 2, 8, 8)), undefined);
  assert.equal(winogradTile("forward", info([1, 16, 16, 8], 1, 1, 8, 8)), undefined);
  assert.equal(winogradTile("forward", info([1, 16, 16, 3], 3, 1, 3, 8)), undefined);
  assert.equal(winogradTile("forward", info([1, 16, 16, 8], 3, 1, 8, 6)), undefined);
  assert.equal(winogradTile("forward", info([1, 16, 16, 8], 3, 1, 8, 8, 2)), undefined);
  const previous = setWinogradMode("off");
  try {
    assert.equal(winogradTile("forward", info([1, 16, 16, 8], 3, 1, 8, 8)), undefined);
  } finally {
    setWinogradMode(previous);
  }
});

Deno.test("F(6x6) serves forward passes of up to 128 channels at inference, never a gradient", () => {
  const info = (c: number) =>
    tf.backend_util.computeConv2DInfo([1, 136, 200, c], [3, 3, c, c], 1, 1, 1);
  assert.equal(winogradTile("forward", info(64)), 6);
  assert.equal(winogradTile("forward", info(128)), 6);
  assert.equal(winogradTile("forward", info(256)), 4);
  assert.equal(winogradTile("input", info(64)), 4);
  assert.equal(winogradTile("filter", info(64)), 4);
  // Small maps: F(6x6)'s tiles save under a tenth.
  const small = tf.backend_util.computeConv2DInfo([1, 16, 16, 64], [3, 3, 64, 64], 1, 1, 1);
  assert.equal(winogradTile("forward", small), 4);
  // Inside a gradient the forward pass stays at F(4x4).
  let inside: number | undefined;
  tf.grad((x: tf.Tensor) => {
    inside = winogradTile("forward", info(64));
    return tf.sum(x);
  })(tf.ones([2]));
  assert.equal(inside, 4);
  const previous = setWinogradMode(6);
  try {
    assert.equal(winogradTile("forward", info(256)), 6);
    assert.equal(winogradTile("filter", info(64)), 4);
  } finally {
    setWinogradMode(previous);
  }
});
