// The fuzz of the HTTP service (worker_fuzz_check.ts: 3000 random and mutated
// requests, no 500, a valid image answered correctly afterwards, RSS growth
// bounded) in a process of its own, so that the memory bound reads the
// service's memory alone and not that of the test modules running beside it.
import assert from "node:assert/strict";
import { runScript } from "./_helpers.ts";

Deno.test("fuzz: 3000 random and mutated requests over loopback, no 500, memory bounded", async () => {
  const r = await runScript("tests/worker_fuzz_check.ts", [], ["--allow-net", "--allow-env"]);
  assert.equal(r.code, 0, r.stderr);
  console.error(r.stderr.trim().split("\n").filter((l) => l.startsWith("fuzz:")).join("\n"));
});
