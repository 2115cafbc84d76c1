// Helpers for the cross-module tests: run a CLI entry point in a subprocess
// with exactly the permissions the README gives it, and build small models.
import { fileURLToPath } from "node:url";
import { encodePng } from "@pointwise/core/lite";
import { syntheticDataset } from "@pointwise/core/data";

export { tinyCheckpoint, tinyOnnx } from "@pointwise/core/testing";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Output of a subprocess. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run --allow-read --allow-write <script> ...args` from the repository root. */
export async function runScript(
  script: string,
  args: string[],
  extraFlags: string[] = [],
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", ...extraFlags, script, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Names of the files in `dir` (empty when it does not exist). */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

/** PNG bytes of synthetic images of the given sizes (deterministic). */
export function syntheticPngs(sizes: number[], seed = 7): Promise<Uint8Array[]> {
  return Promise.all(
    sizes.map((size, i) =>
      encodePng(syntheticDataset({ count: 1, size, classes: 2, seed: seed + i }).samples[0].image)
    ),
  );
}

/** CLI flags of a tiny synthetic `train` run: `train` images of 64x64, 4 to validate and test. */
export function tinyRunFlags(train: number, width: number): string[] {
  return [
    "--synthetic-train",
    String(train),
    "--synthetic-valid",
    "4",
    "--synthetic-test",
    "4",
    "--synthetic-size",
    "64",
    "--crop",
    "64",
    "--width",
    String(width),
  ];
}
