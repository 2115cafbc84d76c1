/**
 * `--force`, with one rule for every command that writes: an output that
 * already exists is refused, before any work is done, unless `--force` is
 * given. The check names the file, the flag that chose it and the way out.
 *
 * @example
 * ```ts ignore
 * await refuseOverwrite(values, [out], "--out");
 * ```
 * @module
 */
import { UsageError } from "../args.ts";
import { helpRows } from "../console/help.ts";
import { exists } from "../files.ts";

/** The flag. */
export const FORCE_OPTIONS = { force: { type: "boolean" } } as const;

/** Its help line (a row of a command's output section). */
export const FORCE_HELP: string = helpRows([[
  "--force",
  "overwrite outputs that exist; without it the command refuses, before doing any work",
]]);

/**
 * Throws a UsageError naming the first of `paths` that exists, unless
 * `--force` was given.
 *
 * @param flag the flag that chose the paths (`--out`), named in the message.
 */
export async function refuseOverwrite(
  values: Record<string, unknown>,
  paths: readonly string[],
  flag: string,
): Promise<void> {
  if (values.force) return;
  const taken: string[] = [];
  for (const p of paths) if (await exists(p)) taken.push(p);
  if (taken.length === 0) return;
  const more = taken.length > 1 ? ` (and ${taken.length - 1} more of its outputs)` : "";
  throw new UsageError(
    `${taken[0]} already exists${more}: pass --force to overwrite, or choose another ${flag}`,
  );
}
