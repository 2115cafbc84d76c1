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
  const tmp = tempPath(path);
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`cannot write ${path}: ${describe(e)}`);
  }
}

/**
 * Reads a regular file whole. Anything else is refused before reading: a
 * folder, and devices and pipes (`/dev/zero` never ends; a pipe may never
 * start).
 */
export async function readRegularFile(path: string): Promise<Uint8Array> {
  await regularFileInfo(path);
  return await Deno.readFile(path);
}

/** The file's information, after refusing a folder, a device, a pipe or a socket. */
async function regularFileInfo(path: string): Promise<Deno.FileInfo> {
  const info = await Deno.stat(path);
  if (info.isDirectory) throw new Deno.errors.IsADirectory(path);
  if (!info.isFile) throw new NotRegularFileError(path);
  return info;
}

/** A path that names a device, a pipe or a socket, not a file. */
export class NotRegularFileError extends Error {
  override name = "NotRegularFileError";
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
    return await readRegularFile(path);
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${describe(e)}`);
  }
}

/**
 * Reads at most the first `maxBytes` of a file, for a header; the error names it and what it was
 * needed for.
 *
 * @param path the file.
 * @param what what it is for, for the error.
 * @param maxBytes how much to read at most.
 * @returns the bytes read and the file's whole size.
 * @throws {Error} naming the file and why it cannot be read.
 */
export async function readPrefixFor(
  path: string,
  what: string,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; size: number }> {
  try {
    const info = await regularFileInfo(path);
    using file = await Deno.open(path);
    const bytes = new Uint8Array(Math.min(maxBytes, info.size));
    let got = 0;
    while (got < bytes.length) {
      const n = await file.read(bytes.subarray(got));
      if (n === null) break;
      got += n;
    }
    return { bytes: bytes.subarray(0, got), size: info.size };
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
  if (e instanceof NotRegularFileError) return "not a regular file (a device, pipe or socket)";
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

/** One file of a group written together. */
export interface FileToWrite {
  path: string;
  data: Uint8Array | string;
}

/** The paths of `paths` that exist already (as files, folders or anything else). */
export async function existingPaths(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const p of paths) {
    try {
      await Deno.lstat(p);
      found.push(p);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new Error(`cannot check ${p}: ${describe(e)}`);
      }
    }
  }
  return found;
}

/** A temporary name beside `path`, ours alone. */
function tempPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
}

/** Commits a temporary file: without `force`, never onto an existing file (a hard link fails then). */
async function commit(tmp: string, path: string, force: boolean): Promise<void> {
  if (force) return await Deno.rename(tmp, path);
  try {
    await Deno.link(tmp, path);
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw e;
    // A file system without hard links: check, then rename (a race is possible there).
    if ((await existingPaths([path])).length > 0) throw new Deno.errors.AlreadyExists(path);
    return await Deno.rename(tmp, path);
  }
  await Deno.remove(tmp);
}

/**
 * Writes a group of files that belong together (say, an image's mask,
 * overlay and JSON) so that they all appear or none does: each is written to
 * a temporary file beside it, and only when every one is complete are they
 * moved into place. If anything fails (a full disk, a folder in the way), the
 * temporary files and any already moved are removed, and the error names
 * the file. Without `force`, no existing file is replaced.
 *
 * @example
 * ```ts ignore
 * await writeGroupAtomic([{ path: "out/a_mask.png", data: png }, { path: "out/a.json", data: json }]);
 * ```
 */
export async function writeGroupAtomic(
  files: readonly FileToWrite[],
  o: { force?: boolean } = {},
): Promise<void> {
  const force = o.force ?? false;
  const temps: string[] = [];
  const placed: string[] = [];
  let current = files[0]?.path ?? "";
  try {
    for (const f of files) {
      current = f.path;
      await Deno.mkdir(dirname(f.path), { recursive: true });
      const tmp = tempPath(f.path);
      temps.push(tmp);
      if (typeof f.data === "string") await Deno.writeTextFile(tmp, f.data);
      else await Deno.writeFile(tmp, f.data);
    }
    for (const [i, f] of files.entries()) {
      current = f.path;
      await commit(temps[i], f.path, force);
      placed.push(f.path);
    }
  } catch (e) {
    for (const p of [...temps, ...placed]) await Deno.remove(p).catch(() => {});
    const why = e instanceof Deno.errors.AlreadyExists
      ? "it exists (pass --force to replace it)"
      : describe(e);
    const rest = files.length > 1
      ? ` (nothing of ${files.map((f) => basename(f.path)).join(", ")} was written)`
      : "";
    throw new Error(`cannot write ${current}: ${why}${rest}`);
  }
}

/**
 * Removes the temporary files that {@link writeFileAtomic} and
 * {@link writeGroupAtomic} leave when a process is killed mid-write
 * (`.<name>.<pid>.<id>.tmp`) from `dir`, for the given file names. Only for
 * folders that one process writes at a time, such as a run folder.
 *
 * @returns the files removed.
 */
export async function removeStaleTemps(dir: string, names: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return removed;
    throw e;
  }
  for (const e of entries) {
    const m = /^\.(.+)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(e.name);
    if (m === null || !e.isFile || !names.includes(m[1])) continue;
    await Deno.remove(join(dir, e.name)).catch(() => {});
    removed.push(e.name);
  }
  return removed;
}
