/**
 * The name of the program as the user typed it, so that help, errors and
 * suggested next commands are ones that work as printed: `pointwise train`
 * for the installed command, `deno task train` from the repository's tasks,
 * and `npx -y deno@2.9.6 task train` when Deno itself was started by npx
 * (then no `deno` is on the PATH). The version is read from the package's
 * `deno.json`, its one place.
 *
 * @example
 * ```ts
 * import { commandLine, setLauncher } from "./program.ts";
 * setLauncher("pointwise");
 * commandLine("export"); // "pointwise export"
 * ```
 * @module
 */
import cliPackage from "./deno.json" with { type: "json" };

/** How the CLI was started: the installed `pointwise` command, or a `deno task`. */
export type Launcher = "pointwise" | "task";

let launcher: Launcher = "pointwise";

/** Sets how the CLI was started (the entry point knows). */
export function setLauncher(l: Launcher): void {
  launcher = l;
}

/** The version of Pointwise. */
export const VERSION: string = cliPackage.version;

/** What `--version` prints. */
export function versionLine(): string {
  return `pointwise ${VERSION} (deno ${Deno.version.deno})`;
}

/**
 * The Deno command: `deno`, or the npx command that started this Deno when
 * it runs from npx's cache. Reading the executable's path needs read access;
 * without it (never prompting) the answer is `deno`.
 */
export function denoCommand(): string {
  try {
    if (Deno.permissions.querySync({ name: "read" }).state !== "granted") return "deno";
    return /[\\/]_npx[\\/]/.test(Deno.execPath()) ? `npx -y deno@${Deno.version.deno}` : "deno";
  } catch {
    return "deno";
  }
}

/** The command line that runs `command` the way the user started this one. */
export function commandLine(command: string): string {
  return launcher === "pointwise" ? `pointwise ${command}` : `${denoCommand()} task ${command}`;
}

/** The program without a command: `pointwise`, or `deno task`. */
export function programName(): string {
  return launcher === "pointwise" ? "pointwise" : `${denoCommand()} task`;
}

/** `s` as a POSIX shell word: as it is when that is safe, else in single quotes. */
export function shellQuote(s: string): string {
  return /^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
