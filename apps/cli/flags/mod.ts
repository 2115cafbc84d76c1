/**
 * Flag groups shared by the CLI's commands and the project's tasks: the
 * backend (`--backend`, `--threads`), the data (`--data`, `--dataset`, split
 * files, built-in dataset sizes), the model and its inference options, and
 * backbone initialisation.
 *
 * @example
 * ```ts ignore
 * import { DATA_OPTIONS, dataSpecFromArgs } from "@pointwise/cli/flags";
 * const spec = await dataSpecFromArgs(values, ["train", "valid"]);
 * ```
 * @module
 */
export { BACKEND_HELP, backendSetting, startBackend } from "./backend_flags.ts";
export { DATA_HELP, DATA_OPTIONS, dataSpecFromArgs, loadDataWithProgress } from "./data_flags.ts";
export { INFERENCE_HELP, MODEL_OPTIONS, type OpenedModel, openModel } from "./model_flags.ts";
export { backboneInit, INIT_HELP, INIT_OPTIONS } from "./init_flags.ts";
