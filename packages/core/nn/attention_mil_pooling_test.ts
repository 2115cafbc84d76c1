import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { Rng } from "../util/rng.ts";
import { AttentionMilPooling } from "./attention_mil_pooling.ts";
import { ParamStore } from "./module.ts";

Deno.test("attention MIL pooling: attention sums to 1 and the scores classify the attended bag", async () => {
  await initBackend("wasm");
  const store = new ParamStore();
  const mil = new AttentionMilPooling(store, "mil", { inC: 3, classes: 2, hidden: 4 }, new Rng(1));
  const fv = Float32Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => Math.sin(i * 1.7));
  const f = tf.tensor4d(fv, [2, 2, 3, 3]);
  const { scores, attention } = mil.apply(f);
  const a = await attention.data();
  const s = await scores.data();
  const p = (n: string) => store.get(`mil.${n}`).dataSync();
  const [vw, vb, uw, ub, ww, wb, fw, fb] = [
    "attention_v.weight",
    "attention_v.bias",
    "attention_u.weight",
    "attention_u.bias",
    "attention_w.weight",
    "attention_w.bias",
    "fc.weight",
    "fc.bias",
  ].map(p);
  for (let n = 0; n < 2; n++) {
    // The gated attention of Ilse et al., computed by hand.
    const logits = Array.from({ length: 6 }, (_, i) => {
      const h = fv.subarray((n * 6 + i) * 3, (n * 6 + i + 1) * 3);
      let z = wb[0];
      for (let j = 0; j < 4; j++) {
        let v = vb[j], u = ub[j];
        for (let k = 0; k < 3; k++) {
          v += h[k] * vw[k * 4 + j];
          u += h[k] * uw[k * 4 + j];
        }
        z += Math.tanh(v) * (1 / (1 + Math.exp(-u))) * ww[j];
      }
      return z;
    });
    const mx = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - mx));
    const att = e.map((v) => v / e.reduce((x, y) => x + y, 0));
    att.forEach((v, i) => assert.ok(Math.abs(a[n * 6 + i] - v) < 1e-5));
    assert.ok(Math.abs(att.reduce((x, y) => x + y, 0) - 1) < 1e-6);
    for (let c = 0; c < 2; c++) {
      let z = fb[c];
      for (let k = 0; k < 3; k++) {
        let bag = 0;
        for (let i = 0; i < 6; i++) bag += att[i] * fv[(n * 6 + i) * 3 + k];
        z += bag * fw[k * 2 + c];
      }
      assert.ok(Math.abs(s[n * 2 + c] - z) < 1e-5, `image ${n} class ${c}`);
    }
  }
  tf.dispose([f, scores, attention]);
  store.dispose();
});
