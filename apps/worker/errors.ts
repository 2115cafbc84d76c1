/**
 * Errors the service answers with a status code and a message meant for the
 * client. Anything else becomes a plain 500: no stack trace or file path
 * leaves the process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorResponse, ServiceError, toServiceError } from "./errors.ts";
 * const r = errorResponse(new ServiceError(413, "too_large", "the body is over 16 MiB"));
 * assert.equal(r.status, 413);
 * assert.deepEqual(await r.json(), { error: { code: "too_large", message: "the body is over 16 MiB" } });
 * // Anything else is a plain 500 that says nothing of files or stacks.
 * assert.equal(toServiceError(new Error("/home/x/model.onnx: ENOENT")).message, "the request could not be processed");
 * ```
 * @module
 */

/** An error with an HTTP status and a stable code. */
export class ServiceError extends Error {
  /**
   * @param status the HTTP status.
   * @param code a stable code for programs (`too_large`).
   * @param message what went wrong, for people; it names no file.
   */
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ServiceError";
  }
}

/** The JSON body of an error: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** The client-safe form of any thrown value. */
export function toServiceError(e: unknown): ServiceError {
  return e instanceof ServiceError
    ? e
    : new ServiceError(500, "internal", "the request could not be processed");
}

/** A JSON error response. */
export function errorResponse(e: ServiceError, headers: HeadersInit = {}): Response {
  const body: ErrorBody = { error: { code: e.code, message: e.message } };
  return Response.json(body, { status: e.status, headers });
}
