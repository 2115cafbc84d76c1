// Writes the bad-input corpus: tests/corpus/files/ and tests/corpus/cases.json.
//   deno run --allow-read --allow-write tests/corpus/make.ts
// tests/bad_input_corpus_test.ts fails when the committed files are not what
// this writes, so run it after changing corpus.ts.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCorpus } from "./corpus.ts";

/** The fixtures the corpus mutates. */
export async function corpusFixtures() {
  const dir = new URL("../fixtures/", import.meta.url);
  return {
    rgbJpeg: await Deno.readFile(new URL("rgb.jpg", dir)),
    progressiveJpeg: await Deno.readFile(new URL("progressive.jpg", dir)),
    lzwLoopTiff: await Deno.readFile(new URL("lzw_loop.tif", dir)),
  };
}

/** The corpus folder. */
export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

if (import.meta.main) {
  const { files, cases } = await buildCorpus(await corpusFixtures());
  const root = join(CORPUS_DIR, "files");
  await Deno.remove(root, { recursive: true }).catch(() => {});
  for (const [name, bytes] of files) {
    await Deno.mkdir(dirname(join(root, name)), { recursive: true });
    await Deno.writeFile(join(root, name), bytes);
  }
  await Deno.writeTextFile(join(CORPUS_DIR, "cases.json"), JSON.stringify(cases, null, 2) + "\n");
  const bytes = [...files.values()].reduce((n, b) => n + b.length, 0);
  const by = new Map<string, number>();
  for (const c of cases) by.set(c.category, (by.get(c.category) ?? 0) + 1);
  console.log(
    `${cases.length} cases (${[...by].map(([k, n]) => `${k} ${n}`).join(", ")}), ` +
      `${files.size} files, ${(bytes / 1024).toFixed(0)} KiB`,
  );
}
