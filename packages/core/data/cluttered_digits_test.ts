import assert from "node:assert/strict";
import { clutteredDigits, DIGIT_SIDE, type DigitSource } from "./cluttered_digits.ts";
import { loadMnist } from "./mnist_source.ts";

const mnist: DigitSource = await loadMnist();

Deno.test("the MNIST source: ten classes of real 28x28 digits in [0, 1]", () => {
  assert.equal(mnist.length, 10);
  for (const c of mnist) {
    assert.ok(c.length >= 800, `${c.length} digits`);
    assert.equal(c[0].length, DIGIT_SIDE * DIGIT_SIDE);
  }
  const ink = mnist[1][0].reduce((s, v) => s + v, 0);
  assert.ok(ink > 20 && ink < 300, `a digit has some ink, not a full square: ${ink}`);
});

Deno.test("cluttered digits are deterministic from the seed, and seeds differ", () => {
  const a = clutteredDigits(mnist, { split: "train", count: 6, size: 64, seed: 3 });
  const b = clutteredDigits(mnist, { split: "train", count: 6, size: 64, seed: 3 });
  const c = clutteredDigits(mnist, { split: "train", count: 6, size: 64, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.samples[0].image.data, c.samples[0].image.data);
  assert.deepEqual(a.classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
});

Deno.test("the mask is exactly the digit's pixels, whatever the clutter and noise", () => {
  const o = { split: "valid" as const, count: 20, size: 72, seed: 9 };
  const clean = clutteredDigits(mnist, { ...o, fragments: 0, noise: 0 });
  const busy = clutteredDigits(mnist, o);
  for (let s = 0; s < o.count; s++) {
    const m = clean.samples[s].mask!.data;
    const g = clean.samples[s].image.data;
    let area = 0;
    for (let i = 0; i < m.length; i++) {
      // Without clutter the grey level is the digit's intensity: mask <=> level >= 0.5.
      assert.equal(m[i], g[3 * i] >= 128 ? 1 : 0);
      area += m[i];
    }
    assert.ok(area > 20 && area < 0.5 * m.length, `digit area ${area}`);
    assert.deepEqual(busy.samples[s].mask, clean.samples[s].mask);
    assert.equal(busy.samples[s].label, clean.samples[s].label);
    // The clutter is really there: pixels outside the digit are not all dark.
    const outside = Array.from(m.keys()).filter((i) =>
      m[i] === 0 && busy.samples[s].image.data[3 * i] > 128
    );
    assert.ok(outside.length > 5, "clutter outside the digit");
  }
});

Deno.test("every class appears, and the splits draw from disjoint digits", () => {
  const tiny: DigitSource = Array.from(
    { length: 10 },
    (_, c) =>
      Array.from({ length: 20 }, (_, i) => {
        const d = new Float32Array(DIGIT_SIDE * DIGIT_SIDE);
        d.fill((c * 20 + i + 1) / 400, 0, 1); // a tag in the corner pixel, below the mask level
        d.fill(1, 10 * DIGIT_SIDE, 18 * DIGIT_SIDE); // a bar, so the digit has ink
        return d;
      }),
  );
  const used = (split: "train" | "valid" | "test") => {
    const seen = new Set<number>();
    const source = tiny.map((c) =>
      c.map((d) =>
        new Proxy(d, {
          get(t, k) {
            if (k === "0") seen.add(t[0]);
            const v = Reflect.get(t, k);
            return typeof v === "function" ? v.bind(t) : v;
          },
        })
      )
    );
    const ds = clutteredDigits(source, { split, count: 300, size: 48, seed: 1, fragments: 0 });
    return { seen, labels: new Set(ds.samples.map((s) => s.label)) };
  };
  const train = used("train"), valid = used("valid"), test = used("test");
  assert.equal(train.labels.size, 10);
  for (const v of valid.seen) assert.ok(!train.seen.has(v), "valid digit also in train");
  for (const v of test.seen) assert.ok(!train.seen.has(v) && !valid.seen.has(v));
});

Deno.test("bad options are refused", () => {
  assert.throws(
    () => clutteredDigits(mnist, { split: "train", count: 1, size: 30, seed: 0 }),
    /at least 48 pixels/,
  );
  assert.throws(
    () => clutteredDigits(mnist.slice(0, 9), { split: "train", count: 1, size: 64, seed: 0 }),
    /ten classes/,
  );
});
