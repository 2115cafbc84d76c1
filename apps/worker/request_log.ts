/**
 * One structured log line per request, written when the answer's body has
 * been sent (or the client went away): method, path, status, bytes sent,
 * bytes received and milliseconds, as JSON, so that log collectors read it
 * as it is.
 *
 * @example
 * ```ts
 * import { logWhenSent, type RequestLogEntry } from "./request_log.ts";
 * const lines: RequestLogEntry[] = [];
 * const res = logWhenSent(new Response("hello"), {
 *   method: "GET", path: "/", requestBytes: 0, start: performance.now(),
 * }, (e) => lines.push(e));
 * await res.text();
 * lines[0].bytes; // 5
 * ```
 * @module
 */

/** What is logged of a request. */
export interface RequestLogEntry {
  /** ISO 8601 time of the line. */
  time: string;
  method: string;
  path: string;
  status: number;
  /** Bytes of the answer's body that were sent. */
  bytes: number;
  /** Bytes of the request's body that were read (0 when it was not read). */
  requestBytes: number;
  /** From the request's arrival to the answer's last byte. */
  ms: number;
  /** The error code of an error answer. */
  error?: string;
  /** The client went away before the answer was sent. */
  aborted?: true;
}

/** Where log lines go. */
export type RequestLogger = (entry: RequestLogEntry) => void;

/** The default logger: one JSON line on stdout per request. */
export const jsonLines: RequestLogger = (e) => console.log(JSON.stringify(e));

/** What is known of a request when its answer is ready. */
export interface RequestFacts {
  method: string;
  path: string;
  requestBytes: number;
  start: number;
  error?: string;
}

/** `res` with its body counted, `log` called once when it is sent, cut short or absent. */
export function logWhenSent(res: Response, facts: RequestFacts, log: RequestLogger): Response {
  const entry = (bytes: number, aborted: boolean): RequestLogEntry => ({
    time: new Date().toISOString(),
    method: facts.method,
    path: facts.path,
    status: res.status,
    bytes,
    requestBytes: facts.requestBytes,
    ms: Math.round((performance.now() - facts.start) * 10) / 10,
    ...(facts.error ? { error: facts.error } : {}),
    ...(aborted ? { aborted: true as const } : {}),
  });
  if (res.body === null) {
    log(entry(0, false));
    return res;
  }
  let bytes = 0;
  const reader = res.body.getReader();
  const counted = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          log(entry(bytes, false));
          return;
        }
        bytes += value.length;
        controller.enqueue(value);
      } catch (e) {
        log(entry(bytes, true));
        controller.error(e);
      }
    },
    async cancel(reason) {
      log(entry(bytes, true));
      await reader.cancel(reason);
    },
  });
  return new Response(counted, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}
