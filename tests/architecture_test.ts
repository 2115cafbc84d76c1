// The house rules, read from the source: no import cycles, no arrow against
// the core's layering (CORE_LAYERS in tasks/import_graph.ts), the core
// importing nothing outside itself, and tasks and apps reaching other
// packages only through their exports.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  cycles,
  type Edge,
  importGraph,
  packageExports,
  violation,
} from "../tasks/import_graph.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

Deno.test("the import graph has no cycles and no arrow against the layering", () => {
  const edges = importGraph(ROOT);
  assert.ok(edges.length > 300, `only ${edges.length} imports found: the reader is broken`);
  assert.deepEqual(cycles(edges), []);
  const entries = new Set(packageExports(ROOT).values());
  const bad = edges.flatMap((e) => {
    const why = violation(e, entries);
    return why === null ? [] : [`${e.from} -> ${e.to}: ${why}`];
  });
  assert.deepEqual(bad, []);
});

Deno.test("the rules catch what they forbid", () => {
  const entries = new Set(["packages/core/mod.ts", "apps/cli/mod.ts"]);
  const edge = (from: string, to: string): Edge => ({ from, to, typeOnly: false });
  const rule = (from: string, to: string) => violation(edge(from, to), entries);
  assert.equal(rule("packages/core/model/a.ts", "packages/core/nn/b.ts"), null);
  assert.match(rule("packages/core/nn/a.ts", "packages/core/model/b.ts")!, /higher layer/);
  assert.match(rule("packages/core/data/a.ts", "packages/core/metrics/b.ts")!, /peer/);
  assert.match(rule("packages/core/io/a.ts", "apps/cli/mod.ts")!, /outside itself/);
  assert.match(rule("tasks/x.ts", "apps/cli/args.ts")!, /internals/);
  assert.equal(rule("tasks/x.ts", "apps/cli/mod.ts"), null);
  // Tests may import any layer of what they test.
  assert.equal(rule("packages/core/nn/a_test.ts", "packages/core/train/b.ts"), null);
  assert.deepEqual(
    cycles([edge("a.ts", "b.ts"), edge("b.ts", "c.ts"), edge("c.ts", "a.ts")]),
    [["a.ts", "b.ts", "c.ts"]],
  );
});
