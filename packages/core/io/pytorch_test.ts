import assert from "node:assert/strict";
import { decodePytorch, isPytorch } from "./pytorch.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { decodeWeightsFile, weightsFormat } from "./weights_file.ts";

// Written by tests/fixtures/make_pth_fixtures.py with PyTorch 1.13.
const fixture = (name: string) =>
  Deno.readFile(new URL(`../../../tests/fixtures/pth/${name}`, import.meta.url));

for (const file of ["tensors.pth", "tensors_p4.pth", "tensors_legacy.pth"]) {
  Deno.test(`${file}: every tensor equals PyTorch's own contiguous float32 copy`, async () => {
    const got = decodePytorch(await fixture(file), file);
    // PyTorch made each tensor contiguous and cast it to float32 itself: exact equality.
    const want = decodeSafetensors(await fixture("tensors_expected.safetensors"), "expected");
    assert.deepEqual([...got.tensors.keys()], [...want.tensors.keys()]);
    for (const [name, t] of want.tensors) assert.deepEqual(got.tensors.get(name), t, name);
    // The strided, transposed and broadcast views are among them.
    assert.deepEqual(got.tensors.get("strided")!.shape, [3, 3]);
    assert.deepEqual(got.tensors.get("expanded")!.data, new Float32Array([1, 2, 1, 2, 1, 2]));
    assert.deepEqual(got.tensors.get("shared_part")!.data, new Float32Array([0.75, 1, 1.25, 1.5]));
    assert.deepEqual(
      got.others,
      new Map([["bn.num_batches_tracked", { dtype: "I64", shape: [] }]]),
    );
    assert.equal(got.metadata.format, "pytorch");
  });
}

Deno.test("a training checkpoint gives its nested state_dict, without DataParallel's prefix", async () => {
  const got = decodePytorch(await fixture("checkpoint.pth"), "checkpoint.pth");
  assert.deepEqual([...got.tensors.keys()], ["conv1.weight", "conv1.bias"]);
  assert.deepEqual(got.tensors.get("conv1.weight")!.shape, [2, 1, 3, 3]);
  assert.deepEqual([...got.others.keys()], ["bn1.num_batches_tracked"]);
  assert.deepEqual(got.metadata, {
    format: "pytorch",
    entry: "state_dict",
    stripped_prefix: "module.",
  });
});

Deno.test("nn.Parameter values are read as tensors", async () => {
  const got = decodePytorch(await fixture("parameters.pth"), "parameters.pth");
  assert.deepEqual(got.tensors.get("w"), { shape: [2, 2], data: new Float32Array(4).fill(1) });
  assert.deepEqual(got.tensors.get("b"), { shape: [2], data: new Float32Array(2) });
});

Deno.test("a pickle that would run code is refused, naming the file and the global", async () => {
  const evil = await fixture("malicious.pth");
  assert.throws(
    () => decodePytorch(evil, "malicious.pth"),
    /^Error: malicious\.pth: refuses the global 'posix\.system'/,
  );
});

Deno.test("unsupported dtypes, truncated and foreign files are refused by name", async () => {
  const bool = await fixture("bool_tensor.pth");
  assert.throws(
    () => decodePytorch(bool, "bool.pth"),
    /bool\.pth: refuses the global 'torch\.BoolStorage': tensors of Bool type are not read/,
  );
  const zip = await fixture("tensors.pth");
  assert.throws(
    () => decodePytorch(zip.slice(0, zip.length - 30), "cut.pth"),
    /cut\.pth: not a readable zip/,
  );
  const legacy = await fixture("tensors_legacy.pth");
  assert.throws(
    () => decodePytorch(legacy.slice(0, legacy.length - 5), "cut_legacy.pth"),
    /cut_legacy\.pth: storage \d+ is truncated/,
  );
  assert.throws(
    () => decodePytorch(new Uint8Array(10), "zeros.pth"),
    /zeros\.pth: not a PyTorch file/,
  );
});

Deno.test("decodeWeightsFile tells the formats apart by content, not by name", async () => {
  const st = encodeSafetensors(new Map([["w", { shape: [1], data: new Float32Array([3]) }]]));
  assert.equal(weightsFormat(st), "safetensors");
  assert.deepEqual(decodeWeightsFile(st, "w.pth").tensors.get("w")!.data, new Float32Array([3]));
  const pth = await fixture("tensors_legacy.pth");
  assert.equal(weightsFormat(pth), "pytorch");
  assert.ok(isPytorch(await fixture("tensors.pth")));
  assert.ok(decodeWeightsFile(pth, "weights.safetensors").tensors.has("conv.weight"));
  assert.throws(
    () => decodeWeightsFile(new TextEncoder().encode("<html>not found</html>"), "page.pth"),
    /page\.pth: not a weight file \(neither safetensors nor a PyTorch/,
  );
});
