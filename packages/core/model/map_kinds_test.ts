// Every map a model defines (METHOD_MAPS), against the same map computed by
// hand from the network's parts: R+, M+, a WILDCAT class map or a CAM of a
// chosen class, Grad-CAM. The class never depends on the map read.
import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { Rng } from "../util/rng.ts";
import { tinyNetOptions } from "../_testing/mod.ts";
import { MinMaxNet } from "./minmax_net.ts";
import { BaselineNet } from "./baseline_net.ts";
import { normalizeMap } from "./normalize_map.ts";
import { upsampleMap } from "./upsample.ts";
import type { MapRequest } from "../config/map_kinds.ts";

const x = () => tf.randomUniform([2, 64, 96, 3], -1, 1, "float32", 11) as tf.Tensor4D;

/** The map and logits of `req`, as arrays. */
async function read(net: MinMaxNet | BaselineNet, req?: MapRequest) {
  const input = x();
  const out = tf.tidy(() => {
    const o = net.inferMaps(input, req);
    return [o.map, o.logits];
  });
  const [map, logits] = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([...out, input]);
  return { map, logits };
}

function assertClose(a: Float32Array, b: Float32Array, tol: number, what: string) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst <= tol, `${what}: largest difference ${worst}`);
}

Deno.test("min-max: R+, M+ and the localizer's class maps, with one class throughout", async () => {
  await initBackend("wasm");
  const net = new MinMaxNet(tinyNetOptions({ classes: 3 }), new Rng(2));
  const before = tf.memory().numTensors;
  const rplus = await read(net);
  const mplus = await read(net, { kind: "m+" });
  const cam1 = await read(net, { kind: "cam", classIndex: 1 });
  const camPredicted = await read(net, { kind: "cam" });
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  for (const r of [mplus, cam1, camPredicted]) assert.deepEqual(r.logits, rplus.logits);
  // By hand, from the same network's parts.
  const input = x();
  const parts = tf.tidy(() => {
    const seg = net.segment(input, { training: false });
    const mask = net.mask(seg, [64, 96]);
    const m = normalizeMap(net.localizationMap(seg, [64, 96]));
    const class1 = tf.slice(seg.maps, [0, 0, 0, 1], [-1, -1, -1, 1]) as tf.Tensor4D;
    const c = normalizeMap(
      upsampleMap(class1, [64, 96], net.options.maskUpsample, net.backbone.outputStride),
    );
    const perClass = [0, 1, 2].map((k) =>
      normalizeMap(
        upsampleMap(
          tf.slice(seg.maps, [0, 0, 0, k], [-1, -1, -1, 1]) as tf.Tensor4D,
          [64, 96],
          net.options.maskUpsample,
          net.backbone.outputStride,
        ),
      )
    );
    return [mask, m, c, ...perClass];
  });
  const [mask, m, c, ...perClass] = await Promise.all(
    parts.map((t) => t.data() as Promise<Float32Array>),
  );
  tf.dispose([...parts, input]);
  assertClose(rplus.map, mask, 0, "R+");
  assertClose(mplus.map, m, 1e-6, "M+");
  assertClose(cam1.map, c, 1e-6, "class map 1");
  // Without a class, each image's map is its predicted class's.
  const n = 64 * 96;
  for (let i = 0; i < 2; i++) {
    const l = rplus.logits.subarray(3 * i, 3 * i + 3);
    const k = l.indexOf(Math.max(...l));
    assertClose(
      camPredicted.map.subarray(i * n, (i + 1) * n),
      perClass[k].subarray(i * n, (i + 1) * n),
      1e-6,
      `image ${i}'s predicted class ${k}`,
    );
  }
  for (const r of [mplus, cam1]) assert.ok(r.map.every((v) => v >= 0 && v <= 1));
  assert.throws(() => net.inferMaps(x(), { kind: "gradcam" }), /no gradcam map/);
  net.dispose();
});

Deno.test("baselines: a chosen class's CAM or Grad-CAM; the predicted class's by default", async () => {
  await initBackend("wasm");
  const cam = new BaselineNet("cam", tinyNetOptions({ classes: 3 }), new Rng(5));
  const own = await read(cam);
  const logits = own.logits;
  // Both images' predicted classes, to ask for them by name.
  const predicted = [0, 1].map((i) => {
    const l = logits.subarray(3 * i, 3 * i + 3);
    return l.indexOf(Math.max(...l));
  });
  const n = 64 * 96;
  for (let i = 0; i < 2; i++) {
    const chosen = await read(cam, { kind: "cam", classIndex: predicted[i] });
    assertClose(
      chosen.map.subarray(i * n, (i + 1) * n),
      own.map.subarray(i * n, (i + 1) * n),
      0,
      "the predicted class asked by name",
    );
  }
  const other = await read(cam, { kind: "cam", classIndex: (predicted[0] + 1) % 3 });
  assert.notDeepEqual(other.map.subarray(0, n), own.map.subarray(0, n));
  const grad = await read(cam, { kind: "gradcam", classIndex: 2 });
  assert.deepEqual(grad.logits, logits);
  assert.ok(grad.map.every((v) => v >= 0 && v <= 1));
  assert.throws(() => cam.inferMaps(x(), { kind: "m+" }), /a cam model has no m\+ map/);
  cam.dispose();
  const wildcat = new BaselineNet("wildcat", tinyNetOptions({ classes: 3 }), new Rng(6));
  const m = await read(wildcat);
  const c = await read(wildcat, { kind: "cam", classIndex: 0 });
  assert.deepEqual(c.logits, m.logits);
  assert.notDeepEqual(c.map, m.map);
  wildcat.dispose();
});
