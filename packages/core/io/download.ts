/**
 * Downloads a file whole, with progress, and checks its sha256 before
 * anyone uses it. The expected hash may be a full sha256 or a prefix of one
 * (torch.hub names files `<name>-<first 8+ hex of the sha256>.pth` and checks
 * only that prefix). Any failure (HTTP status, a connection cut before the
 * announced length, a hash mismatch) throws a {@link DownloadError} naming
 * the URL; nothing is returned then, so a caller that writes only on
 * success never leaves a partial file. Web-standard `fetch` and
 * `crypto.subtle` only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DownloadError, downloadVerified, sha256Hex } from "./download.ts";
 * // A stand-in for the network: the file and its published hash prefix.
 * const file = new TextEncoder().encode("weights");
 * const prefix = (await sha256Hex(file)).slice(0, 8);
 * const fetch = () => Promise.resolve(new Response(file));
 * const { bytes } = await downloadVerified("https://example.com/w.pth", { sha256: prefix, fetch });
 * assert.deepEqual(bytes, file);
 * await assert.rejects(
 *   downloadVerified("https://example.com/w.pth", { sha256: "00000000", fetch }),
 *   DownloadError, // the bytes are not the published ones
 * );
 * ```
 * @module
 */

/** A download that failed or did not verify. */
export class DownloadError extends Error {
  /**
   * @param url the address.
   * @param message what went wrong.
   */
  constructor(readonly url: string, message: string) {
    super(`${url}: ${message}`);
    this.name = "DownloadError";
  }
}

/** Options of {@link downloadVerified}. */
export interface DownloadOptions {
  /** The expected sha256 in hex: all 64 digits, or a prefix of at least 8. */
  sha256: string;
  /** Called as bytes arrive; `total` is null without a Content-Length. */
  onProgress?: (received: number, total: number | null) => void;
  signal?: AbortSignal;
  /** A stand-in for the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/**
 * The sha256 prefix in a torch.hub file name (`resnet18-f37072fd.pth`), or null.
 *
 * @param url the file's address.
 */
export function hashPrefixFromUrl(url: string): string | null {
  const file = new URL(url).pathname.split("/").pop() ?? "";
  // torch.hub's rule: HASH_REGEX = re.compile(r'-([a-f0-9]*)\.')
  const m = /-([a-f0-9]*)\./.exec(file);
  return m !== null && m[1].length >= 8 ? m[1] : null;
}

/**
 * Hex sha256 of `bytes`.
 *
 * @param bytes the bytes.
 * @returns 64 hex digits.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Fetches `url` whole and checks its sha256; throws a {@link DownloadError} otherwise.
 *
 * @param url the file's address.
 * @param o the expected sha256 (or a prefix), progress, abort signal, fetch.
 * @returns the bytes and their sha256.
 */
export async function downloadVerified(
  url: string,
  o: DownloadOptions,
): Promise<{ bytes: Uint8Array; sha256: string }> {
  const want = o.sha256.toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(want)) {
    throw new DownloadError(url, `'${o.sha256}' is not a sha256 or a prefix of 8+ hex digits`);
  }
  let response: Response;
  try {
    response = await (o.fetch ?? fetch)(url, { signal: o.signal });
  } catch (e) {
    throw new DownloadError(url, `cannot connect (${(e as Error).message})`);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new DownloadError(url, `HTTP ${response.status} ${response.statusText}`.trim());
  }
  const header = response.headers.get("content-length");
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body) {
      chunks.push(chunk);
      received += chunk.length;
      if (total !== null && received > total) break;
      o.onProgress?.(received, total);
    }
  } catch (e) {
    throw new DownloadError(
      url,
      `the download was interrupted after ${received} bytes (${(e as Error).message})`,
    );
  }
  if (total !== null && received !== total) {
    throw new DownloadError(
      url,
      `the download ended at ${received} of the ${total} bytes announced`,
    );
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) bytes.set(c, at), at += c.length;
  const sha256 = await sha256Hex(bytes);
  if (!sha256.startsWith(want)) {
    throw new DownloadError(
      url,
      `sha256 ${sha256} does not match the expected ${want.length === 64 ? "" : "prefix "}${want}`,
    );
  }
  return { bytes, sha256 };
}
