/**
 * Base64 of bytes with web-standard `btoa`, in chunks so that large masks
 * do not overflow the argument list of `String.fromCharCode`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeBase64 } from "./base64.ts";
 * assert.equal(encodeBase64(new Uint8Array([104, 105])), "aGk=");
 * ```
 * @module
 */

/**
 * The standard base64 text of `bytes`.
 *
 * @param bytes the bytes.
 * @returns their base64 text.
 */
export function encodeBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
