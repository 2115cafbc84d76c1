import assert from "node:assert/strict";
import { Rng } from "./rng.ts";

Deno.test("Rng is deterministic per seed and differs across seeds", () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const c = new Rng(8);
  const sa = Array.from({ length: 5 }, () => a.uint32());
  const sb = Array.from({ length: 5 }, () => b.uint32());
  const sc = Array.from({ length: 5 }, () => c.uint32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

Deno.test("Rng state round-trips exactly", () => {
  const a = new Rng(3);
  for (let i = 0; i < 10; i++) a.next();
  const b = Rng.fromState(a.state());
  assert.deepEqual(
    Array.from({ length: 8 }, () => a.next()),
    Array.from({ length: 8 }, () => b.next()),
  );
  assert.throws(() => Rng.fromState([1, 2, 3]), /invalid RNG state/);
});

Deno.test("Rng uniform and normal have the right moments", () => {
  const r = new Rng(1);
  const n = 20000;
  let su = 0;
  let sn = 0;
  let sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.01);
  assert.ok(Math.abs(sn / n) < 0.03);
  assert.ok(Math.abs(sn2 / n - 1) < 0.05);
});
