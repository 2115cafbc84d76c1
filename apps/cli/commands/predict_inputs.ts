/**
 * The images `predict` is given: files, folders (the images directly in
 * them) and glob patterns (`"slides/*.tif"`, `"data/**\/*.png"`, expanded
 * here when the shell has not), minus the files that look like masks:
 * `*_mask.*` and `*_anno.*` (GlaS's annotations) by default, or the
 * `--skip` patterns given. Globs are this module's own (`*`, `?`, `[...]`,
 * `{a,b}`, `**`), since Deno's `node:path` `matchesGlob` and `node:fs`
 * `glob` read an environment variable, which would ask for `--allow-env`.
 *
 * @example
 * ```ts ignore
 * const { images, skipped } = await collectImages(["slides/"], DEFAULT_SKIP);
 * ```
 * @module
 */
import { basename, join } from "node:path";
import { UsageError } from "../args.ts";
import { describe } from "../files.ts";

/** File names taken for masks, not images, unless `--skip` says otherwise. */
export const DEFAULT_SKIP = ["*_mask.*", "*_anno.*"] as const;

/** Extensions of the images a folder or a glob contributes (a file named outright may be any). */
const IMAGE_FILE = /\.(png|jpe?g|tiff?|webp)$/i;

/** What was found. */
export interface Inputs {
  /** The images, in the order given; a folder's and a glob's sorted by name. */
  images: string[];
  /** Files left out because their names match a skip pattern. */
  skipped: string[];
}

const isGlob = (p: string) => /[*?[\]{}]/.test(p);

/**
 * A glob as a regular expression over `/`-separated paths: `*` and `?`
 * within a name, `**` across folders, `[abc]` / `[!abc]` and `{a,b}`.
 */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else if (c === "{") {
      const end = pattern.indexOf("}", i);
      if (end < 0) re += "\\{";
      else {
        const alternatives = pattern.slice(i + 1, end).split(",");
        re += `(?:${alternatives.map((a) => globToRegExp(a).source.slice(1, -1)).join("|")})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\/]/g, (m) => (m === "/" ? "/" : `\\${m}`));
  }
  return new RegExp(`^${re}$`);
}

/** Files under `dir` (to `depth` folders down; Infinity for all), as `/`-separated relative paths. */
async function walk(dir: string, depth: number, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(join(dir, prefix)));
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isFile) out.push(rel);
    else if (e.isDirectory && depth > 1) out.push(...await walk(dir, depth - 1, rel));
  }
  return out;
}

/** The files a glob matches, from the folder before its first wildcard. */
async function globFiles(pattern: string): Promise<string[]> {
  const parts = pattern.replaceAll("\\", "/").split("/");
  const first = parts.findIndex(isGlob);
  const base = parts.slice(0, first).join("/");
  const rest = parts.slice(first).join("/");
  const depth = rest.includes("**") ? Infinity : parts.length - first;
  const re = globToRegExp(rest);
  const root = base === "" ? (pattern.startsWith("/") ? "/" : ".") : base;
  return (await walk(root, depth)).filter((f) => re.test(f)).map((f) =>
    base === "" && !pattern.startsWith("/") ? f : join(root, f)
  );
}

/** Whether a file name matches a skip pattern. */
const skipped = (name: string, patterns: readonly RegExp[]) => patterns.some((p) => p.test(name));

/** The files an argument stands for, before skipping. */
async function expand(arg: string): Promise<string[]> {
  if (isGlob(arg)) {
    const files = (await globFiles(arg)).filter((f) => IMAGE_FILE.test(f)).sort();
    if (files.length === 0) throw new UsageError(`no image matches ${arg}`);
    return files;
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(arg);
  } catch (e) {
    throw new Error(`cannot read image ${arg}: ${describe(e)}`);
  }
  if (!info.isDirectory) return [arg];
  const names: string[] = [];
  for await (const e of Deno.readDir(arg)) {
    if (e.isFile && IMAGE_FILE.test(e.name)) names.push(e.name);
  }
  if (names.length === 0) {
    throw new UsageError(`folder ${arg} holds no PNG, JPEG, TIFF or WebP image`);
  }
  return names.sort().map((n) => join(arg, n));
}

/**
 * Expands `args` into image files and leaves out those whose names match a
 * `skip` pattern. A file found twice is taken once.
 *
 * @throws {UsageError} for a folder without images, a glob matching none,
 * or nothing left once masks are skipped.
 */
export async function collectImages(args: string[], skip: readonly string[]): Promise<Inputs> {
  const images: string[] = [];
  const left: string[] = [];
  const seen = new Set<string>();
  const patterns = skip.map(globToRegExp);
  for (const arg of args) {
    for (const file of await expand(arg)) {
      if (seen.has(file)) continue;
      seen.add(file);
      if (skipped(basename(file), patterns)) left.push(file);
      else images.push(file);
    }
  }
  if (images.length === 0) {
    throw new UsageError(
      `no image left: all ${left.length} file(s) look like masks (${skip.join(", ")}); ` +
        "--skip PATTERN changes which names are skipped, --skip none skips nothing",
    );
  }
  return { images, skipped: left };
}

/** The skip patterns of the `--skip` flags: the defaults, or the ones given (`none`: none). */
export function skipPatterns(flags: string[] | undefined): string[] {
  if (flags === undefined || flags.length === 0) return [...DEFAULT_SKIP];
  return flags.includes("none") ? [] : flags;
}
