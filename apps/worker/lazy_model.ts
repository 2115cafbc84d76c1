/**
 * The service's model, loaded once on first need: its bytes (given, or
 * fetched by a function) and the {@link LocalizeService} made from them. A
 * failed load is forgotten, so that a later request tries again: a
 * transient fetch failure on an edge runtime must not stick to the isolate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { resolveLimits } from "./limits.ts";
 * import { LazyModel } from "./lazy_model.ts";
 * let calls = 0;
 * const bytes = await tinyOnnx(["benign", "malignant"]);
 * const model = new LazyModel({
 *   model: () => ++calls === 1 ? Promise.reject(new Error("offline")) : Promise.resolve(bytes),
 * }, resolveLimits());
 * await assert.rejects(model.service(), /offline/);
 * assert.deepEqual((await model.service()).description.classes, ["benign", "malignant"]);
 * await model.service();
 * assert.equal(calls, 2); // fetched again after the failure, then kept
 * ```
 * @module
 */
import type { BackendSetting } from "@pointwise/core/lite";
import type { RuntimeSetting } from "@pointwise/runtime";
import type { Limits } from "./limits.ts";
import { LocalizeService } from "./localize_service.ts";

/** Where the model comes from and how it runs. */
export interface ModelSource {
  /** The exported .onnx model, or how to get it (called on first use). */
  model: Uint8Array | (() => Promise<Uint8Array>);
  /** The model's file name, for the server's log [model.onnx]. */
  modelName?: string;
  backend?: BackendSetting;
  /** Which onnxruntime [auto: native where it loads, web elsewhere]. */
  runtime?: RuntimeSetting;
  /** The model already loaded from `model`'s bytes (else it loads on first use). */
  service?: LocalizeService;
}

/** A model that loads on first need and retries after a failed load. */
export class LazyModel {
  #bytes?: Promise<Uint8Array>;
  #service?: Promise<LocalizeService>;

  /**
   * @param source the model's bytes (or how to get them) and how it runs.
   * @param limits the service's limits.
   */
  constructor(readonly source: ModelSource, readonly limits: Limits) {
    if (source.service !== undefined) this.#service = Promise.resolve(source.service);
  }

  /** The model file's bytes. */
  bytes(): Promise<Uint8Array> {
    const m = this.source.model;
    return this.#bytes ??= Promise.resolve(typeof m === "function" ? m() : m).catch((e) => {
      this.#bytes = undefined;
      throw e;
    });
  }

  /** The service running the model. */
  service(): Promise<LocalizeService> {
    const { backend, runtime, modelName } = this.source;
    return this.#service ??= this.bytes()
      .then((b) =>
        LocalizeService.load(b, { limits: this.limits, backend, runtime, name: modelName })
      )
      .catch((e) => {
        this.#service = undefined;
        throw e;
      });
  }
}
