/**
 * The project's import graph, read from the source: which file imports
 * which (static and dynamic imports, workspace packages resolved through
 * their `deno.json` exports), folded to folders. `deno run --allow-read
 * tasks/import_graph.ts` prints the folder graph, the files per folder, the
 * import cycles and every arrow that goes against the layering below; the
 * architecture test holds the project to it.
 *
 * @example
 * ```sh
 * deno run --allow-read tasks/import_graph.ts
 * ```
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";

/** One import: from a file to a file, both relative to the root. */
export interface Edge {
  from: string;
  to: string;
  /** Type-only imports still tie the files together at compile time. */
  typeOnly: boolean;
}

/**
 * The core's folders from the bottom up: a folder may import only from
 * folders of a lower rank (or its own). Folders of equal rank are peers
 * that must not import each other.
 */
export const CORE_LAYERS: readonly (readonly string[])[] = [
  ["util"],
  ["config"],
  ["data", "metrics", "backend"],
  ["viz", "nn"],
  ["model"],
  ["io"],
  ["inference", "onnx"],
  ["eval"],
  ["train", "report"],
  ["slide"],
];

const SOURCE = /\.(ts|js|mjs)$/;
// Generated code (the demo worker's committed bundle) is not the project's source.
const SKIP =
  /(^|\/)(node_modules|runs|out|test-artifacts|\.scratch|\.git)(\/|$)|^apps\/worker\/public\/worker\//;

/** Every TypeScript and JavaScript file below `root`, relative to it. */
export function sourceFiles(root: string, dir = ""): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(join(root, dir))) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (SKIP.test(path)) continue;
    if (entry.isDirectory) out.push(...sourceFiles(root, path));
    else if (entry.isFile && SOURCE.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Workspace package specifiers (`@pointwise/core/lite`) to files. */
export function packageExports(root: string): Map<string, string> {
  const map = new Map<string, string>();
  const rootConfig = JSON.parse(Deno.readTextFileSync(join(root, "deno.json")));
  for (const member of rootConfig.workspace as string[]) {
    const config = JSON.parse(Deno.readTextFileSync(join(root, member, "deno.json")));
    const exports: Record<string, string> = typeof config.exports === "string"
      ? { ".": config.exports }
      : config.exports;
    for (const [sub, file] of Object.entries(exports)) {
      const spec = sub === "." ? config.name : `${config.name}/${sub.replace(/^\.\//, "")}`;
      map.set(spec, relative(root, resolve(root, member, file)));
    }
  }
  return map;
}

const IMPORT = /(?:^|[\s;])(import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/g;
const DYNAMIC = /import\(\s*["']([^"']+)["']\s*\)/g;

/** The imports of every source file below `root`. */
export function importGraph(root: string): Edge[] {
  const packages = packageExports(root);
  const files = new Set(sourceFiles(root));
  const edges: Edge[] = [];
  for (const file of files) {
    const text = Deno.readTextFileSync(join(root, file)).replace(/^\s*(\*|\/\/).*$/gm, "");
    const specs: [string, boolean][] = [];
    for (const m of text.matchAll(IMPORT)) specs.push([m[3], Boolean(m[2])]);
    for (const m of text.matchAll(DYNAMIC)) specs.push([m[1], false]);
    for (const [spec, typeOnly] of specs) {
      let to: string | undefined;
      if (spec.startsWith(".")) to = relative(root, resolve(root, dirname(file), spec));
      else to = packages.get(spec);
      if (to !== undefined && files.has(to)) edges.push({ from: file, to, typeOnly });
    }
  }
  return edges;
}

/** The folder a file belongs to, for the folder graph: `core/model`, `cli`, `tasks`. */
export function folderOf(file: string): string {
  const core = file.match(/^packages\/core\/([^/]+)\//);
  if (core) return `core/${core[1]}`;
  if (file.startsWith("packages/core/")) return "core";
  const top = file.match(/^(packages|apps)\/([^/]+)\//);
  if (top) return top[2];
  return file.includes("/") ? file.split("/")[0] : ".";
}

/** Import cycles between files: strongly connected components of two or more files. */
export function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of new Set(edges.flatMap((e) => [e.from, e.to]))) if (!idx.has(v)) visit(v);
  return out;
}

function rank(folder: string): number {
  const name = folder.replace(/^core\//, "");
  return CORE_LAYERS.findIndex((layer) => layer.includes(name));
}

/** The package (`packages/core`, `apps/cli`) a file belongs to, or null for tasks and tests. */
function packageOf(file: string): string | null {
  const m = file.match(/^((?:packages|apps)\/[^/]+)\//);
  return m ? m[1] : null;
}

/**
 * Why an edge breaks the house rules, or null when it keeps them. `entries`
 * are the files packages export: anything outside a package reaches it
 * through them only. Tests may import what they test from any layer.
 */
export function violation(e: Edge, entries: ReadonlySet<string>): string | null {
  const a = folderOf(e.from);
  const b = folderOf(e.to);
  if (a === b) return null;
  const test = /_test\.ts$/.test(e.from);
  const pa = packageOf(e.from);
  const pb = packageOf(e.to);
  if (pb !== null && pa !== pb && !entries.has(e.to)) {
    return "reaches into another package's internals (import its exports)";
  }
  if (a.startsWith("core") && !b.startsWith("core")) return "the core imports outside itself";
  if (a === "runtime" && pb !== null && !b.startsWith("core") && b !== "runtime") {
    return "the runtime imports an app";
  }
  if (test || !(a.startsWith("core/") && b.startsWith("core/"))) return null;
  if (b === "core/_testing") return "only tests import core/_testing";
  if (a === "core/_testing") return null;
  const ra = rank(a);
  const rb = rank(b);
  if (ra < 0) return `${a} has no layer`;
  if (rb < 0) return `${b} has no layer`;
  if (rb > ra) return "imports a higher layer";
  if (rb === ra) return "imports a peer of its layer";
  return null;
}

if (import.meta.main) {
  const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
  const edges = importGraph(root);
  const files = sourceFiles(root);
  const perFolder = new Map<string, number>();
  for (const f of files) perFolder.set(folderOf(f), (perFolder.get(folderOf(f)) ?? 0) + 1);
  console.log("files per folder:");
  for (const [f, n] of [...perFolder].sort()) console.log(`  ${f.padEnd(20)} ${n}`);
  const folderEdges = new Map<string, number>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a !== b) folderEdges.set(`${a} -> ${b}`, (folderEdges.get(`${a} -> ${b}`) ?? 0) + 1);
  }
  console.log("\nfolder imports (count of file imports):");
  for (const [k, n] of [...folderEdges].sort()) console.log(`  ${k} (${n})`);
  const loops = cycles(edges);
  console.log(`\nimport cycles: ${loops.length}`);
  for (const c of loops) console.log(`  ${c.join(" <-> ")}`);
  const entries = new Set(packageExports(root).values());
  const bad = edges.map((e) => [e, violation(e, entries)] as const).filter(([, v]) => v !== null);
  console.log(`\narrows against the layering: ${bad.length}`);
  for (const [e, v] of bad) console.log(`  ${e.from} -> ${e.to}: ${v}`);
}
