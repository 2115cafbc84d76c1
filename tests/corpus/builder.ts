// The corpus's shapes: a case, what it must give, and the builder that each
// category's module fills (see corpus.ts).

/** What a case must give. */
export interface Expect {
  /** Exit code of a command. */
  exit?: number;
  /** HTTP status and error code. */
  status?: number;
  code?: string;
  /** A string the message must contain: the file, flag or field at fault ("" for HTTP). */
  names: string;
  /** A regular expression (source) for the problem, matched case-insensitively. */
  problem: string;
  /**
   * The files a command writes under {out}, by name (none when absent): a
   * batch goes on past an image corrupt past its header, so the valid image
   * given first gets its files and the bad one none.
   */
  writes?: string[];
}

/** The kinds of bad input. */
export type Category =
  | "cli-flags"
  | "split-files"
  | "images"
  | "checkpoints"
  | "safetensors"
  | "onnx"
  | "http"
  | "serve";

/** One bad input. */
export interface Case {
  id: string;
  category: Category;
  /** How it runs: the CLI's main() in-process, the serve task as a subprocess, or the HTTP handler. */
  run: "cli" | "serve" | "http";
  argv?: string[];
  /** HTTP: a file under files/ as the body (none: no body), the method, path and headers. */
  body?: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  expect: Expect;
}

/** The fixtures that the corpus mutates. */
export interface Fixtures {
  rgbJpeg: Uint8Array;
  progressiveJpeg: Uint8Array;
  /** A 297-byte LZW TIFF found by the HTTP fuzz: geotiff's decoder looped on it for a minute. */
  lzwLoopTiff: Uint8Array;
}

/** What each category's builder gets: a place for files and for cases. */
export class CorpusBuilder {
  readonly files = new Map<string, Uint8Array>();
  readonly cases: Case[] = [];

  constructor(readonly fixtures: Fixtures) {}

  /** Adds a file; returns its path as cases write it. */
  file(name: string, bytes: Uint8Array): string {
    if (this.files.has(name)) throw new Error(`corpus file ${name} twice`);
    this.files.set(name, Uint8Array.from(bytes));
    return `{files}/${name}`;
  }

  /** Adds a case. */
  add(c: Case): void {
    if (this.cases.some((o) => o.id === c.id)) throw new Error(`corpus case ${c.id} twice`);
    this.cases.push(c);
  }

  /** A command line that must exit with `exit`, naming `names` and saying `problem`. */
  cli(
    category: Category,
    id: string,
    argv: string[],
    exit: number,
    names: string,
    problem: string,
  ) {
    this.add({ id, category, run: "cli", argv, expect: { exit, names, problem } });
  }
}

/** Flags of a training run small enough to start at once, should a case get past its checks. */
export const TINY_TRAIN = [
  ...["--synthetic-train", "2", "--synthetic-valid", "2", "--synthetic-size", "32"],
  ...["--crop", "32", "--width", "0.0625", "--batch-size", "2", "--epochs", "1"],
  ...["--out", "{out}"],
];
