import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors, halfToFloat } from "./safetensors.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
import { PRESETS } from "../config/presets.ts";

function raw(header: unknown, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

Deno.test("safetensors round-trips tensors and metadata", () => {
  const t = new Map([
    ["a", { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
    ["b.c", { shape: [], data: Float32Array.from([-7.5]) }],
  ]);
  const bytes = encodeSafetensors(t, { k: "v" });
  const hl = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + hl) % 8, 0, "data is 8-byte aligned");
  const back = decodeSafetensors(bytes, "x.safetensors");
  assert.deepEqual(back.metadata, { k: "v" });
  assert.deepEqual(back.tensors, t);
});

Deno.test("safetensors lists integer tensors without converting them, and reads F64", () => {
  const f64 = new Uint8Array(new Float64Array([0.1, -2.5]).buffer);
  const bytes = raw({
    d: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
    "bn1.num_batches_tracked": { dtype: "I64", shape: [], data_offsets: [16, 24] },
  }, new Uint8Array([...f64, ...new Uint8Array(8)]));
  const f = decodeSafetensors(bytes, "mixed.safetensors");
  assert.deepEqual(Array.from(f.tensors.get("d")!.data), [Math.fround(0.1), -2.5]);
  assert.deepEqual(f.others.get("bn1.num_batches_tracked"), { dtype: "I64", shape: [] });
  assert.equal(f.tensors.has("bn1.num_batches_tracked"), false);
});

Deno.test("safetensors reads F16 and BF16 as float32", () => {
  const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555]).buffer); // 1, -2, ~0.333
  const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040]).buffer); // 1, -3
  const bytes = raw({
    h: { dtype: "F16", shape: [3], data_offsets: [0, 6] },
    b: { dtype: "BF16", shape: [2], data_offsets: [6, 10] },
  }, new Uint8Array([...f16, ...bf16]));
  const t = decodeSafetensors(bytes, "half.safetensors").tensors;
  assert.deepEqual(Array.from(t.get("h")!.data).map((v) => +v.toFixed(4)), [1, -2, 0.3333]);
  assert.deepEqual(Array.from(t.get("b")!.data), [1, -3]);
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
});

Deno.test("malformed safetensors files are rejected with the file and tensor named", () => {
  const d = new Uint8Array(16);
  assert.throws(() => decodeSafetensors(new Uint8Array(4), "s.st"), /s\.st: too short/);
  const bad = new Uint8Array(16);
  new DataView(bad.buffer).setBigUint64(0, 1000n, true);
  assert.throws(
    () => decodeSafetensors(bad, "s.st"),
    /s\.st: header length 1000 runs past the end/,
  );
  const notJson = raw({}, d);
  notJson[8] = 0x7b + 1;
  assert.throws(() => decodeSafetensors(notJson, "s.st"), /not valid JSON/);
  assert.throws(
    () =>
      decodeSafetensors(
        raw({
          w: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
          v: { dtype: "F32", shape: [2], data_offsets: [4, 12] },
        }, d),
        "s.st",
      ),
    /s\.st: tensors w and v overlap/,
  );
  assert.throws(
    () =>
      decodeSafetensors(raw({ w: { dtype: "F32", shape: [8], data_offsets: [0, 32] } }, d), "s.st"),
    /tensor w: data_offsets \[0, 32\] run past the data \(16 bytes\)/,
  );
  assert.throws(
    () =>
      decodeSafetensors(raw({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, d), "s.st"),
    /tensor w: shape \[3\] of F32 needs 12 bytes, offsets give 8/,
  );
  assert.throws(
    () =>
      decodeSafetensors(raw({ w: { dtype: "Q4", shape: [1], data_offsets: [0, 8] } }, d), "s.st"),
    /tensor w: unknown dtype "Q4"/,
  );
  assert.throws(
    () =>
      decodeSafetensors(raw({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 8] } }, d), "s.st"),
    /tensor w: invalid shape/,
  );
});

Deno.test("checkpoints round-trip config, classes, weights, optimiser and training state", () => {
  const weights = new Map([["conv1.weight", {
    shape: [1, 1, 3, 2],
    data: Float32Array.from([1, 2, 3, 4, 5, 6]),
  }]]);
  const optimizer = new Map([["conv1.weight", {
    shape: [1, 1, 3, 2],
    data: new Float32Array(6).fill(0.5),
  }]]);
  const train = {
    epoch: 3,
    globalStep: 48,
    rng: [1, 2, 3, 4],
    bestEpoch: 2,
    bestError: 12.5,
    history: [0, 1, 2].map((epoch) => ({ epoch, valid: { classError: 10 + epoch } })) as never[],
  };
  const c = decodeCheckpoint(
    encodeCheckpoint({ config: PRESETS.cpu, classes: ["a", "b"], weights, optimizer, train }),
    "c.safetensors",
  );
  assert.deepEqual(c.config, PRESETS.cpu);
  assert.deepEqual(c.classes, ["a", "b"]);
  assert.deepEqual(c.weights, weights);
  assert.deepEqual(c.optimizer, optimizer);
  assert.deepEqual(c.train, train);
  assert.deepEqual(c.normalization, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  // Damaged files are refused on load, naming the file and what is wrong.
  const broken = (over: Partial<Parameters<typeof encodeCheckpoint>[0]>) =>
    encodeCheckpoint({ config: PRESETS.cpu, classes: ["a", "b"], weights, ...over });
  const nan = new Map([["conv1.weight", { shape: [1, 1, 3, 2], data: new Float32Array(6) }]]);
  nan.get("conv1.weight")!.data[4] = NaN;
  assert.throws(
    () => decodeCheckpoint(broken({ weights: nan }), "nan.safetensors"),
    /nan\.safetensors: tensor conv1\.weight holds NaN or infinite values/,
  );
  assert.throws(
    () =>
      decodeCheckpoint(
        broken({ normalization: { mean: [0.5, 0.5, 0.5], std: [0.5, 0, 0.5] } }),
        "std.safetensors",
      ),
    /std\.safetensors: the checkpoint's normalisation is invalid: std must be/,
  );
  assert.throws(
    () => decodeCheckpoint(broken({ train: { ...train, rng: [1, 2] } }), "rng.safetensors"),
    /rng\.safetensors: the training state is invalid: rng must be four whole numbers/,
  );
  assert.throws(
    () => decodeCheckpoint(broken({ train: { ...train, history: [] } }), "h.safetensors"),
    /h\.safetensors: the training state is invalid: history must hold one record per epoch/,
  );
  const { maskUpsample: _, ...partial } = PRESETS.cpu;
  assert.throws(
    () =>
      decodeCheckpoint(
        encodeCheckpoint({ config: partial as typeof PRESETS.cpu, classes: ["a", "b"], weights }),
        "old.safetensors",
      ),
    /old\.safetensors: invalid config in checkpoint: setting 'maskUpsample' is missing/,
  );
  // Settings added later are filled with the values older checkpoints were trained with.
  const { outputStride: _o, localizerWarmup: _l, backboneGrad: _b, resize: _r, ...older } =
    PRESETS.cpu;
  const filled = decodeCheckpoint(
    encodeCheckpoint({ config: older as typeof PRESETS.cpu, classes: ["a", "b"], weights }),
    "older.safetensors",
  );
  assert.deepEqual(
    [
      filled.config.outputStride,
      filled.config.localizerWarmup,
      filled.config.backboneGrad,
      filled.config.resize,
    ],
    [32, 0, "pos-neg", 1],
  );
  const plain = encodeSafetensors(weights, {});
  assert.throws(
    () => decodeCheckpoint(plain, "w.safetensors"),
    /w\.safetensors: a safetensors file without Pointwise's metadata, not a Pointwise checkpoint/,
  );
});
