// The bad-input corpus: every file and every case, built deterministically.
// `make.ts` writes them to tests/corpus/files and tests/corpus/cases.json;
// tests/bad_input_corpus_test.ts runs every case and checks that the
// committed files are what this builds.
//
// A case is a command line (the CLI in-process, or `serve` as a subprocess)
// or an HTTP request to the service's handler, with what must come back: the
// exit code or the status and error code, a string that the message must
// contain (the file, flag or field at fault) and a pattern for the problem.
// Placeholders in arguments: {files} (this corpus's files), {out} (a fresh
// folder that must stay empty), {ckpt} and {onnx} (a valid tiny model),
// {image} (a valid small PNG).
import { cliFlagCases } from "./cli_flag_cases.ts";
import { splitFileCases } from "./split_file_cases.ts";
import { imageCases } from "./image_cases.ts";
import { checkpointCases } from "./checkpoint_cases.ts";
import { onnxCases } from "./onnx_cases.ts";
import { httpCases } from "./http_cases.ts";
import { serveCases } from "./serve_cases.ts";
import { type Case, CorpusBuilder, type Fixtures } from "./builder.ts";

export type { Case, Category, Expect, Fixtures } from "./builder.ts";
export { CorpusBuilder, TINY_TRAIN } from "./builder.ts";

/** Builds the corpus: file name to bytes, and the cases. */
export async function buildCorpus(
  fixtures: Fixtures,
): Promise<{ files: Map<string, Uint8Array>; cases: Case[] }> {
  const b = new CorpusBuilder(fixtures);
  for (
    const build of [
      cliFlagCases,
      splitFileCases,
      imageCases,
      checkpointCases,
      onnxCases,
      httpCases,
      serveCases,
    ]
  ) await build(b);
  return { files: b.files, cases: b.cases };
}
