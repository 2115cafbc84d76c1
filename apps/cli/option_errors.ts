/**
 * Our wording for command-line mistakes that `node:util` parseArgs reports
 * in Node's (`Unknown option '--format'. To specify a positional argument
 * starting with a '-', place it at the end of the command after '--', as in
 * '-- "--format"`): the arguments are read again here to say which option is
 * wrong and how, with the closest known option when there is one.
 *
 * @example
 * ```ts
 * import { explainOptionError } from "./option_errors.ts";
 * explainOptionError(["--epoch", "3"], { epochs: { type: "string" } }, true);
 * // "unknown option --epoch; did you mean --epochs?"
 * ```
 * @module
 */

/** The option specs, as parseArgs takes them. */
type Specs = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Edit distance of two strings: insertions, deletions, substitutions and swaps of neighbours. */
function distance(a: string, b: string): number {
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to `name`: a small typo (an edit or so per three
 * letters) or a name that contains it (`format` in `image-format`).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    const typo = d <= Math.max(1, Math.floor(name.length / 3));
    const part = name.length >= 3 && (k.includes(name) || name.includes(k) && k.length >= 3);
    if (!typo && !part) continue;
    const score = typo ? d : 100 + Math.abs(k.length - name.length);
    if (score < bestScore) [best, bestScore] = [k, score];
  }
  return best;
}

function unknownOption(raw: string, known: readonly string[], prefix = "--"): string {
  const guess = closestName(raw.replace(/^-+/, ""), known);
  return `unknown option ${raw}${guess === undefined ? "" : `; did you mean ${prefix}${guess}?`}`;
}

/**
 * What is wrong with `argv` for these options, in our words, or undefined
 * when nothing is found (the caller then falls back to the parser's message).
 */
export function explainOptionError(
  argv: readonly string[],
  options: Specs,
  allowPositionals: boolean,
): string | undefined {
  const longNames = Object.keys(options);
  const negatable = longNames.filter((n) => options[n].type === "boolean").map((n) => `no-${n}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const inline = eq >= 0;
      const spec = options[name];
      if (spec === undefined) {
        if (name.startsWith("no-") && options[name.slice(3)]?.type === "string") {
          return `--${name.slice(3)} takes a value; it has no --${name} form`;
        }
        if (negatable.includes(name)) continue;
        return unknownOption(`--${name}`, [...longNames, ...negatable]);
      }
      if (spec.type === "boolean") {
        if (inline) return `--${name} takes no value (got '${arg}')`;
        continue;
      }
      if (inline) continue;
      const next = argv[i + 1];
      if (next === undefined) return `--${name} needs a value`;
      if (next.startsWith("-") && next !== "-") {
        return `--${name} needs a value, got the option ${next} (write --${name}=${next} if that is the value)`;
      }
      i++;
    } else if (arg.startsWith("-") && arg !== "-") {
      for (const c of arg.slice(1)) {
        const long = longNames.find((n) => options[n].short === c);
        if (long === undefined) return `unknown option -${c}`;
      }
    } else if (!allowPositionals) {
      return `unexpected argument '${arg}': this command takes options only`;
    }
  }
  return undefined;
}
