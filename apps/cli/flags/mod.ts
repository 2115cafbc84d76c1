/**
 * Flag groups shared by the CLI's commands and the project's tasks: the
 * backend (`--backend`, `--threads`), the data (`--data`, `--dataset`, split
 * files, built-in dataset sizes), the model and its inference options, and
 * backbone initialisation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "node:util";
 * import { DATA_OPTIONS, dataSpecFromArgs } from "@pointwise/cli/flags";
 * const { values } = parseArgs({ args: ["--dataset", "digits"], options: DATA_OPTIONS });
 * const spec = await dataSpecFromArgs(values, ["train", "valid"]);
 * assert.equal(spec.kind, "digits");
 * ```
 * @module
 */
export { BACKEND_HELP, backendSetting, startBackend } from "./backend_flags.ts";
export { DATA_HELP, DATA_OPTIONS, dataSpecFromArgs, loadDataWithProgress } from "./data_flags.ts";
export { INFERENCE_HELP, MODEL_OPTIONS, type OpenedModel, openModel } from "./model_flags.ts";
export { backboneInit, INIT_HELP, INIT_OPTIONS } from "./init_flags.ts";
