/**
 * A promise API over the localization Web Worker: one pending promise per
 * message id, so many images can be in flight at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "@pointwise/core/lite";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { LocalizerClient } from "./client.ts";
 * const worker = new Worker(new URL("./localize_worker.ts", import.meta.url), { type: "module" });
 * const client = await LocalizerClient.create(worker, await tinyOnnx(["benign", "malignant"]));
 * const png = await encodePng({ width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(90) });
 * const result = await client.localize(png);
 * assert.ok(["benign", "malignant"].includes(result.class));
 * assert.equal(result.width, 40);
 * client.terminate();
 * ```
 * @module
 */
import type { ModelDescription } from "./localize_service.ts";
import type { LoadRequest, WorkerRequest, WorkerResponse, WorkerResult } from "./protocol.ts";

/** An error answered by the worker. */
export class WorkerError extends Error {
  /**
   * @param code the service's error code (`not_an_image`, `too_large`, ...).
   * @param message what went wrong, for people.
   */
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "WorkerError";
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** Talks to a worker running `localize_worker.ts`. */
export class LocalizerClient {
  #next = 1;
  #pending = new Map<number, Pending>();

  private constructor(readonly worker: Worker, public model?: ModelDescription) {
    worker.onmessage = (e: MessageEvent<WorkerResponse>) => {
      const p = this.#pending.get(e.data.id);
      if (!p) return;
      this.#pending.delete(e.data.id);
      if ("error" in e.data) p.reject(new WorkerError(e.data.error.code, e.data.error.message));
      else p.resolve(e.data.result);
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      const err = new Error(`the worker failed: ${e.message}`);
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
  }

  /**
   * Wraps `worker` and loads the model into it, with the worker's limits and backend.
   *
   * @param worker a worker running `localize_worker.ts`.
   * @param model the exported .onnx model's bytes.
   * @param options the worker's limits and backend.
   * @returns the client, once the model has loaded.
   * @throws {WorkerError} when the model cannot be loaded.
   */
  static async create(
    worker: Worker,
    model: Uint8Array,
    options: Omit<LoadRequest, "id" | "model"> = {},
  ): Promise<LocalizerClient> {
    const client = new LocalizerClient(worker);
    client.model = await client.#send<ModelDescription>({ id: 0, model, ...options });
    return client;
  }

  /**
   * Localizes PNG or JPEG bytes (they are copied, not transferred).
   *
   * @param image the image file's bytes.
   * @param o `raw: true` also answers the map and the decoded pixels.
   * @returns the summary, the pictures and, with `raw`, the map and pixels.
   * @throws {WorkerError} with the service's code for an image it refuses.
   */
  localize(image: Uint8Array, o: { raw?: boolean } = {}): Promise<WorkerResult> {
    return this.#send<WorkerResult>({ id: 0, image, ...o });
  }

  /** Stops the worker; pending requests are rejected. */
  terminate(): void {
    this.worker.terminate();
    for (const p of this.#pending.values()) p.reject(new Error("the worker was terminated"));
    this.#pending.clear();
  }

  #send<T>(m: WorkerRequest): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...m, id });
    });
  }
}
