// Split files given to train and eval: each stops before training, naming the
// split file and line, and writes nothing.
import { type CorpusBuilder, TINY_TRAIN } from "./builder.ts";
import { cat, chunk, ihdr, noise, patternPng, PNG_SIGNATURE, utf8 } from "./bytes.ts";

/** [id, the split file's text, what is named, the problem, the split's role]. */
type Row = [string, string | Uint8Array, string, string, ("valid" | "train" | "eval")?];

const ROWS: Row[] = [
  [
    "escape-dotdot",
    "../../../../etc/passwd,,benign\n",
    "escape-dotdot.csv:1",
    "climbs out of the dataset folder.*--allow-outside-data",
  ],
  [
    "escape-absolute",
    "/etc/passwd,,benign\n",
    "escape-absolute.csv:1",
    "absolute path.*--allow-outside-data",
  ],
  ["escape-windows", "C:\\Windows\\win.ini,,benign\n", "escape-windows.csv:1", "absolute path"],
  ["escape-unc", "\\\\server\\share\\a.png,,benign\n", "escape-unc.csv:1", "absolute path"],
  ["escape-backslash", "..\\..\\secret.png,,benign\n", "escape-backslash.csv:1", "climbs out"],
  [
    "escape-mask",
    "a.png,../../etc/shadow,benign\n",
    "escape-mask.csv:1",
    "mask path .* climbs out",
  ],
  ["escape-nested", "split/../../x.png,,benign\n", "escape-nested.csv:1", "climbs out"],
  ["missing-image", "nope.png,,benign\n", "missing-image.csv:1", "nope.png: no such file"],
  [
    "not-an-image",
    "text.png,,benign\n",
    "not-an-image.csv:1",
    "text.png: cannot decode the image: not a PNG, JPEG, TIFF or WebP",
  ],
  ["image-is-folder", "split,,benign\n", "image-is-folder.csv:1", "it is a folder"],
  [
    "huge-image",
    "huge.png,,benign\n",
    "huge-image.csv:1",
    "huge.png: the image is 100000x100000.*over the limit",
  ],
  [
    // A fourth field is an ignore mask: five are too many.
    "five-fields",
    "a.png,a_mask.png,benign,a_mask.png,extra\n",
    "five-fields.csv:1",
    "expected 'image,mask,label' \\(or 'image,mask,label,ignore'\\) but found 5 fields",
  ],
  ["ignore-missing", "a.png,a_mask.png,benign,nope.png\n", "ignore-missing.csv:1", "nope.png"],
  [
    "ignore-without-mask",
    "a.png,,benign,a_mask.png\n",
    "ignore-without-mask.csv:1",
    "an ignore mask needs a mask",
  ],
  ["one-field", "a.png\n", "one-field.csv:1", "found 1 fields"],
  ["empty-label", "a.png,a_mask.png,\n", "empty-label.csv:1", "label field is empty"],
  ["blank-label", "a.png,a_mask.png,   \n", "blank-label.csv:1", "label field is empty"],
  ["empty-image", ",a_mask.png,benign\n", "empty-image.csv:1", "image field is empty"],
  ["empty-file", "", "empty-file.csv", "no rows"],
  ["only-comments", "# nothing here\n\n   \n", "only-comments.csv", "no rows"],
  ["header-only", "image,mask,label\n", "header-only.csv", "no rows"],
  ["unknown-label", "a.png,,zebra\n", "unknown-label.csv:1", "unknown label 'zebra'"],
  [
    "mask-wrong-size",
    "a.png,small_mask.png,benign\n",
    "mask-wrong-size.csv:1",
    "mask small_mask.png is 8x8 but image a.png is 24x16",
  ],
  ["mask-not-image", "a.png,text.png,benign\n", "mask-not-image.csv:1", "text.png: cannot decode"],
  [
    "binary-garbage",
    noise(300, 11),
    "binary-garbage.csv",
    "not a split file \\(it holds binary data",
  ],
  [
    "long-line",
    `${"x".repeat(20_000)},${"y".repeat(20_000)},${"z".repeat(20_000)},w,v\n`,
    "long-line.csv:1",
    'found 5 fields in "x{77}\\.\\.\\."',
  ],
  ["nul-in-path", "a\u0000.png,,benign\n", "nul-in-path.csv", "binary data"],
  [
    "control-chars",
    "a\u001b[31m.png,x,y,z,w\n",
    "control-chars.csv:1",
    'in "a\\\\u001b\\[31m\\.png',
  ],
  [
    "one-class",
    "a.png,,benign\nb.png,,benign\n",
    "one-class.csv",
    "has one class \\('benign'\\).*two or more",
    "train",
  ],
  [
    "eval-no-mask",
    "a.png,,benign\n",
    "eval-no-mask.csv:1",
    "no mask for a.png, and evaluation needs one",
    "eval",
  ],
  ["eval-escape", "../../../etc/hostname,,benign\n", "eval-escape.csv:1", "climbs out", "eval"],
  [
    "eval-unknown-label",
    "a.png,a_mask.png,zebra\n",
    "eval-unknown-label.csv:1",
    "unknown label 'zebra'",
    "eval",
  ],
];

/** Adds the split-file cases and the dataset folder they name. */
export async function splitFileCases(b: CorpusBuilder): Promise<void> {
  b.file("data/a.png", await patternPng(24, 16));
  b.file("data/b.png", await patternPng(24, 16));
  b.file("data/a_mask.png", await patternPng(24, 16));
  b.file("data/small_mask.png", await patternPng(8, 8));
  b.file("data/text.png", utf8("this is not a picture\n"));
  b.file(
    "data/huge.png",
    cat(PNG_SIGNATURE, ihdr(100_000, 100_000), chunk("IEND", new Uint8Array())),
  );
  b.file("data/split/train.csv", utf8("a.png,a_mask.png,benign\nb.png,,malignant\n"));
  for (const [id, csv, names, problem, role = "valid"] of ROWS) {
    const path = b.file(`data/split/${id}.csv`, typeof csv === "string" ? utf8(csv) : csv);
    const good = "{files}/data/split/train.csv";
    const argv = role === "eval"
      ? [
        "eval",
        "--model",
        "{ckpt}",
        "--data",
        "{files}/data",
        "--split",
        path,
        "--overlays",
        "{out}",
      ]
      : [
        "train",
        ...TINY_TRAIN,
        "--data",
        "{files}/data",
        "--train",
        role === "train" ? path : good,
        "--valid",
        role === "train" ? good : path,
      ];
    b.cli("split-files", `split-${id}`, argv, 1, names, problem);
  }
  const train = (
    split: string,
  ) => ["train", ...TINY_TRAIN, "--data", "{files}/data", "--train", split];
  b.cli(
    "split-files",
    "split-file-missing",
    train("{files}/data/split/none.csv"),
    1,
    "none.csv",
    "no such file",
  );
  b.cli(
    "split-files",
    "split-file-is-folder",
    train("{files}/data/split"),
    1,
    "split",
    "it is a folder",
  );
  b.cli(
    "split-files",
    "split-file-is-device",
    train("/dev/zero"),
    1,
    "/dev/zero",
    "not a regular file",
  );
  b.cli(
    "split-files",
    "split-data-missing",
    ["train", ...TINY_TRAIN, "--data", "{files}/nowhere"],
    1,
    "nowhere",
    "no such file",
  );
}
