/**
 * The Pointwise CLI as a library: {@link main} runs a command line and
 * returns its exit code (0 success, 1 failure, 2 usage error).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "@pointwise/cli";
 * // Deno.exit(await main(Deno.args)) is the command; usage mistakes exit 2.
 * assert.equal(await main(["evaluate"]), 2);
 * assert.equal(await main(["train", "--epochs", "0"]), 2);
 * ```
 * @module
 */
import { reportError } from "./errors.ts";

type Run = (argv: string[]) => Promise<number>;

// Commands load on demand: predicting with an ONNX model must not load TensorFlow.js.
const COMMANDS: Record<string, { load: () => Promise<Run>; about: string }> = {
  train: {
    load: async () => (await import("./commands/train.ts")).train,
    about: "train a model (default: built-in synthetic data, cpu preset)",
  },
  eval: {
    load: async () => (await import("./commands/eval.ts")).evalCommand,
    about: "score a model on a split: metrics table and overlays",
  },
  predict: {
    load: async () => (await import("./commands/predict.ts")).predict,
    about: "class, mask and overlay picture for images",
  },
  import: {
    load: async () => (await import("./commands/import.ts")).importCommand,
    about: "turn a reference PyTorch checkpoint into a Pointwise model",
  },
  export: {
    load: async () => (await import("./commands/export.ts")).exportCommand,
    about: "write a model for use elsewhere (safetensors for PyTorch, ONNX)",
  },
  weights: {
    load: async () => (await import("./commands/weights.ts")).weightsCommand,
    about: "fetch torchvision's ImageNet weights as safetensors (needs internet)",
  },
};

/**
 * Top-level help.
 *
 * @returns the help text that lists the commands.
 */
export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.about}`);
  return `Pointwise: weakly supervised pointwise localization (min-max entropy).

usage: pointwise <command> [options]     (pointwise <command> --help for its options)

commands:
${lines.join("\n")}`;
}

/** POINTWISE_DEBUG=1 prints stack traces; reading it must not need --allow-env. */
function debugEnabled(): boolean {
  const granted =
    Deno.permissions.querySync({ name: "env", variable: "POINTWISE_DEBUG" }).state === "granted";
  return granted && Boolean(Deno.env.get("POINTWISE_DEBUG"));
}

/**
 * Runs one command line; returns the process exit code.
 *
 * @param argv the command and its arguments.
 * @returns 0 on success, 1 on failure, 2 for a usage mistake.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`error: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (e) {
    const { message, exitCode, usage } = reportError(e);
    console.error(`error: ${message}${usage ? `\n(see: pointwise ${name} --help)` : ""}`);
    if (debugEnabled() && e instanceof Error) console.error(e.stack);
    return exitCode;
  }
}
