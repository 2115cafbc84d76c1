// Real GlaS images from ../shared (never copied into the repository). The
// tests are skipped, with a message, where that folder is absent.
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildMinMaxNet } from "@pointwise/core/model";
import { initBackend, Rng, TfjsLocalizer } from "@pointwise/core";
import { loadSplit } from "@pointwise/core/data";
import { PRESETS, withOverrides } from "@pointwise/core/lite";
import { ROOT } from "./_helpers.ts";

const GLAS = join(ROOT, "..", "shared", "data", "glas");
const present = await Deno.stat(join(GLAS, "split", "valid.csv")).then(() => true, () => false);
if (!present) console.warn(`skipping the GlaS tests: ${GLAS} is not there`);

Deno.test({
  name: "GlaS: the paper's validation split loads with its masks and labels",
  ignore: !present,
  fn: async () => {
    const ds = await loadSplit({
      csvText: await Deno.readTextFile(join(GLAS, "split", "valid.csv")),
      csvName: "valid.csv",
      read: (p) => Deno.readFile(join(GLAS, p)),
      requireMasks: true,
    });
    assert.deepEqual(ds.classes, ["benign", "malignant"]);
    assert.equal(ds.samples.length, 18);
    assert.deepEqual([0, 1].map((c) => ds.samples.filter((s) => s.label === c).length), [8, 10]);
    for (const s of ds.samples) {
      assert.equal(s.mask!.width, s.image.width);
      const fg = s.mask!.data.reduce((a, b) => a + b, 0) / s.mask!.data.length;
      assert.ok(fg > 0.05 && fg < 0.95, `${s.id}: gland fraction ${fg}`);
    }
  },
});

Deno.test({
  name: "GlaS: predict gives a mask at the size of a real 775x522 image",
  ignore: !present,
  fn: async () => {
    await initBackend("wasm");
    const ds = await loadSplit({
      csvText: "train_1.png,train_1_anno.png,malignant\n",
      csvName: "one.csv",
      read: (p) => Deno.readFile(join(GLAS, p)),
      classes: ["benign", "malignant"],
    });
    const config = withOverrides(PRESETS.cpu, { width: 0.0625 });
    const localizer = new TfjsLocalizer(
      buildMinMaxNet(config, ["benign", "malignant"], new Rng(0)),
      [
        "benign",
        "malignant",
      ],
      config,
    );
    const p = await localizer.predict(ds.samples[0].image);
    assert.equal(p.width, 775);
    assert.equal(p.height, 522);
    assert.equal(p.mask.length, 775 * 522);
    localizer.dispose();
  },
});
