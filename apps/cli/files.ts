/**
 * File access for the CLI: atomic writes (a temporary file in the same
 * folder, then a rename, so a crash never leaves a half-written file), and
 * reads whose errors name the file and say what it was for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { readFileFor, writeFileAtomic } from "./files.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(join(dir, "runs/x/run.json"), "{}\n"); // folders are made as needed
 * assert.deepEqual(await Array.fromAsync(Deno.readDir(join(dir, "runs/x")), (e) => e.name), ["run.json"]);
 * await assert.rejects(readFileFor(join(dir, "nope.png"), "image"), /nope\.png/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `path` through a temporary file and a rename.
 *
 * @param path the file; its folder is made when missing.
 * @param data the bytes or text.
 * @throws {Error} naming the file when it cannot be written (nothing is left behind).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads a file; the error names it and what it was needed for.
 *
 * @param path the file.
 * @param what what it is for, for the error.
 * @returns its bytes.
 * @throws {Error} naming the file and why it cannot be read.
 */
export async function readFileFor(path: string, what: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${describe(e)}`);
  }
}

/**
 * Reads a text file; the error names it and what it was needed for.
 *
 * @param path the file.
 * @param what what it is for, for the error.
 * @returns its text.
 * @throws {Error} naming the file and why it cannot be read.
 */
export async function readTextFor(path: string, what: string): Promise<string> {
  return new TextDecoder().decode(await readFileFor(path, what));
}

/**
 * A short reason for a file-system error.
 *
 * @param e what a file-system call threw.
 * @returns the reason, in a few words.
 */
export function describe(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such file";
  if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
    return "permission denied";
  }
  if (e instanceof Deno.errors.IsADirectory) return "it is a folder";
  return (e as Error).message ?? String(e);
}

/**
 * True when `path` exists.
 *
 * @param path a file or folder.
 * @returns whether it exists.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
