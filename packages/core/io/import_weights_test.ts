import assert from "node:assert/strict";
import { hwioToOihw, oihwToHwio } from "./layout.ts";
import { importWeights, isBackboneParameter } from "./import_weights.ts";
import { inferArchitecture } from "./infer_architecture.ts";
import { REFERENCE_NAMING, TORCHVISION_NAMING } from "./naming/mod.ts";
import { internalName } from "./naming/scheme.ts";
import type { SafetensorsFile } from "./safetensors.ts";

const arr = (shape: number[], f = (i: number) => i) => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
});

Deno.test("OIHW and HWIO filters convert both ways", () => {
  // O=2, I=1, H=1, W=2: w[o,0,0,x] = 10 o + x.
  const t = { shape: [2, 1, 1, 2], data: Float32Array.from([0, 1, 10, 11]) };
  const h = oihwToHwio(t);
  assert.deepEqual(h.shape, [1, 2, 1, 2]);
  // HWIO index [0, x, 0, o] = 10 o + x.
  assert.deepEqual(Array.from(h.data), [0, 10, 1, 11]);
  assert.deepEqual(hwioToOihw(h), t);
  const big = arr([5, 3, 7, 2]);
  assert.deepEqual(hwioToOihw(oihwToHwio(big)), big);
  assert.equal(oihwToHwio(arr([4])).shape.length, 1, "non-filters pass through");
});

Deno.test("naming tables map, skip and reject names", () => {
  assert.equal(
    internalName(TORCHVISION_NAMING, "layer3.5.downsample.1.running_var"),
    "layer3.5.downsample.1.running_var",
  );
  assert.equal(internalName(TORCHVISION_NAMING, "fc.weight"), null);
  assert.equal(internalName(TORCHVISION_NAMING, "bn1.num_batches_tracked"), null);
  assert.equal(internalName(TORCHVISION_NAMING, "headseg.to_modalities.weight"), undefined);
  assert.equal(
    internalName(REFERENCE_NAMING, "cl32.to_modalities.bias"),
    "cl32.to_modalities.bias",
  );
  assert.equal(internalName(REFERENCE_NAMING, "layer1.0.conv4.weight"), undefined);
  assert.equal(internalName(REFERENCE_NAMING, "fc.bias"), null);
});

const target = {
  shapes: new Map<string, number[]>([
    ["conv1.weight", [7, 7, 3, 4]],
    ["bn1.weight", [4]],
    ["headseg.to_modalities.weight", [1, 1, 4, 10]],
  ]),
  names() {
    return [...this.shapes.keys()];
  },
  get(name: string) {
    return { shape: this.shapes.get(name)! };
  },
};

function file(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  others: Record<string, string> = {},
): SafetensorsFile {
  return {
    tensors: new Map(Object.entries(tensors)),
    others: new Map(Object.entries(others).map(([k, dtype]) => [k, { dtype, shape: [] }])),
    metadata: {},
  };
}

Deno.test("strict import lists missing, unexpected and mis-shaped tensors in one error", () => {
  const f = file({
    "conv1.weight": arr([4, 3, 5, 5]),
    "bn1.bias": arr([4]),
    "layer9.0.conv1.weight": arr([1, 1, 1, 1]),
    "fc.weight": arr([10, 4]),
  }, { "bn1.num_batches_tracked": "I64" });
  assert.throws(
    () =>
      importWeights(f, TORCHVISION_NAMING, target, {
        fileName: "r18.safetensors",
        scope: isBackboneParameter,
      }),
    (e: Error) => {
      assert.match(e.message, /r18\.safetensors does not match the model under torchvision naming/);
      assert.match(e.message, /missing \(1\): bn1\.weight/);
      assert.match(e.message, /unexpected \(2\): bn1\.bias, layer9\.0\.conv1\.weight/);
      assert.match(
        e.message,
        /conv1\.weight: \[5,5,3,4\] \(OIHW \[4,3,5,5\]\) but the model has \[7,7,3,4\]/,
      );
      return true;
    },
  );
});

Deno.test("partial import keeps what matches and reports the rest", () => {
  const f = file({
    "conv1.weight": arr([4, 3, 7, 7]),
    "fc.weight": arr([10, 4]),
    "fc.bias": arr([10]),
  }, {
    "bn1.num_batches_tracked": "I64",
  });
  const r = importWeights(f, TORCHVISION_NAMING, target, {
    fileName: "f",
    scope: isBackboneParameter,
    allowPartial: true,
  });
  assert.deepEqual([...r.values.keys()], ["conv1.weight"]);
  assert.deepEqual(r.values.get("conv1.weight")!.shape, [7, 7, 3, 4]);
  assert.deepEqual(r.report.missing, ["bn1.weight"]);
  assert.deepEqual(r.report.skipped.sort(), ["bn1.num_batches_tracked", "fc.bias", "fc.weight"]);
  // The head is outside the backbone scope: a full reference file's heads are skipped.
  const full = file({
    "conv1.weight": arr([4, 3, 7, 7]),
    "bn1.weight": arr([4]),
    "headseg.to_modalities.weight": arr([10, 4, 1, 1]),
    w: arr([1], () => 8),
  });
  const b = importWeights(full, REFERENCE_NAMING, target, {
    fileName: "f",
    scope: isBackboneParameter,
  });
  assert.deepEqual(b.report.skipped, ["headseg.to_modalities.weight"]);
  assert.deepEqual(b.settings, { maskW: 8 });
});

Deno.test("architecture is read off tensor names and shapes", () => {
  const names = (blocks: number[], bottleneck: boolean, deep: boolean, w = 64) => {
    const t = new Map<string, { shape: number[]; data: Float32Array }>();
    t.set("conv1.weight", arr([w, 3, deep ? 3 : 7, deep ? 3 : 7]));
    if (deep) ["conv2.weight", "conv3.weight"].forEach((n) => t.set(n, arr([1, 1, 1, 1])));
    blocks.forEach((n, l) => {
      for (let i = 0; i < n; i++) {
        t.set(`layer${l + 1}.${i}.conv1.weight`, arr([1]));
        if (bottleneck) t.set(`layer${l + 1}.${i}.conv3.weight`, arr([1]));
      }
    });
    return t;
  };
  assert.deepEqual(inferArchitecture(names([2, 2, 2, 2], false, false), "a"), {
    arch: "resnet18",
    deepStem: false,
    width: 1,
    headChannels: undefined,
  });
  assert.equal(inferArchitecture(names([3, 4, 6, 3], false, false), "a").arch, "resnet34");
  assert.equal(inferArchitecture(names([3, 4, 6, 3], true, true, 16), "a").width, 0.25);
  assert.equal(inferArchitecture(names([3, 4, 23, 3], true, true), "a").arch, "resnet101");
  assert.throws(
    () => inferArchitecture(names([1, 1, 1, 1], true, false), "odd.safetensors"),
    /odd\.safetensors: bottleneck blocks per stage 1\/1\/1\/1/,
  );
  assert.throws(() => inferArchitecture(new Map(), "empty.safetensors"), /no conv1\.weight/);
});
