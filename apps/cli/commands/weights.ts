/**
 * `pointwise weights fetch ARCH`: downloads torchvision's ImageNet weights,
 * checks their sha256 against the prefix published in the file name, and
 * writes them as safetensors for `pointwise train --init-backbone`. No
 * Python, torchvision or safetensors package needed. The file is written
 * atomically, and only once everything has verified.
 *
 * @example
 * ```sh
 * deno run --allow-net --allow-read --allow-write apps/cli/main.ts weights fetch resnet50
 * ```
 * @module
 */
import {
  decodePytorch,
  downloadVerified,
  encodeSafetensors,
  hashPrefixFromUrl,
  TORCHVISION_ARCHS,
  type TorchvisionArch,
  torchvisionWeights,
  type WeightsVersion,
} from "@pointwise/core/io";
import { parseCommand, str, UsageError } from "../args.ts";
import { writeFileAtomic } from "../files.ts";
import { Progress } from "../console/progress.ts";
import { FORCE_HELP, FORCE_OPTIONS, refuseOverwrite } from "../flags/force_flags.ts";
import { helpParagraph, helpSection } from "../console/help.ts";
import { commandLine } from "../program.ts";

const OPTIONS = {
  ...FORCE_OPTIONS,
  help: { type: "boolean", short: "h" },
  version: { type: "string" },
  out: { type: "string" },
  url: { type: "string" },
  sha256: { type: "string" },
} as const;

/** Help text of the command. */
export function weightsHelp(): string {
  const fetch = helpSection("fetch", [
    ["ARCH", `the network: ${TORCHVISION_ARCHS.join(", ")}`],
    [
      "--version v1|v2",
      "IMAGENET1K_V1 (the original training) or IMAGENET1K_V2 (newer recipe; resnet50 and " +
      "resnet101 only) [v1]",
    ],
    [
      "--url URL",
      "download from here instead (a mirror); its file name must carry the sha256 prefix as " +
      "torch.hub names do (name-<hex>.pth), or give --sha256",
    ],
    ["--sha256 HEX", "the expected sha256 (64 hex digits, or a prefix of 8 or more)"],
  ]);
  const output = helpSection("output", [
    ["--out FILE", "where to write [<arch>_imagenet1k_<version>.safetensors]"],
  ]);
  return `Download torchvision's ImageNet weights and write them as safetensors.

usage: ${commandLine("weights")} fetch ARCH [options]

${fetch}
${output}
${FORCE_HELP}

${
    helpParagraph(
      "The download is checked against the sha256 prefix in torchvision's file name (PyTorch " +
        "publishes no full hash); the full sha256 is printed and kept in the file's metadata.",
    )
  }
Then: ${commandLine("train")} --arch ARCH --width 1 --init-backbone FILE`;
}

/** What to fetch, checked: the weights' entry, where from, the hash to check, where to. */
interface FetchPlan {
  entry: ReturnType<typeof torchvisionWeights>;
  url: string;
  sha256: string;
  out: string;
}

/** The fetch's flags and arguments, as a plan; usage errors for what is wrong. */
function fetchPlan(values: Record<string, unknown>, positionals: string[]): FetchPlan {
  const [action, arch, ...rest] = positionals;
  if (action !== "fetch") {
    throw new UsageError(
      action === undefined ? "missing action: fetch" : `unknown action '${action}'`,
    );
  }
  if (!(TORCHVISION_ARCHS as readonly string[]).includes(arch ?? "")) {
    throw new UsageError(`weights fetch needs one of ${TORCHVISION_ARCHS.join(", ")}`);
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const version = str(values, "version", "v1")!;
  if (version !== "v1" && version !== "v2") throw new UsageError("--version must be v1 or v2");
  let entry;
  try {
    entry = torchvisionWeights(arch as TorchvisionArch, version as WeightsVersion);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const url = str(values, "url", entry.url)!;
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--url '${url}' is not a URL`);
  }
  const sha256 = str(values, "sha256") ??
    (values.url === undefined ? entry.sha256Prefix : hashPrefixFromUrl(url));
  if (sha256 === null) {
    throw new UsageError(
      `cannot verify ${url}: its file name carries no sha256 prefix; give --sha256`,
    );
  }
  const out = str(values, "out", `${arch}_imagenet1k_${version}.safetensors`)!;
  return { entry, url, sha256, out };
}

/** Runs the command; returns the exit code. */
export async function weightsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(weightsHelp());
    return 0;
  }
  const { entry, url, sha256, out } = fetchPlan(values, positionals);
  await refuseOverwrite(values, [out], "--out");

  const bar = new Progress(`downloading ${url.split("/").pop()}`, 5);
  let bytes: Uint8Array;
  let digest: string;
  try {
    ({ bytes, sha256: digest } = await downloadVerified(url, {
      sha256,
      onProgress: (got, total) => {
        const mb = (n: number) => Math.round(n / 1e5) / 10;
        bar.update(mb(got), mb(total ?? got), "MB");
      },
    }));
  } finally {
    bar.done();
  }
  const file = decodePytorch(bytes, url);
  const metadata = {
    format: "torchvision",
    weights: entry.enumName,
    source: url,
    sha256: digest,
  };
  await writeFileAtomic(out, encodeSafetensors(file.tensors, metadata));
  const checked = sha256.length === 64 ? "the full sha256" : `the sha256 prefix ${sha256}`;
  console.log(
    `wrote ${out}: ${file.tensors.size} tensors of ${entry.enumName} ` +
      `(${(bytes.length / 1e6).toFixed(1)} MB, sha256 ${digest}, checked against ${checked})`,
  );
  return 0;
}
