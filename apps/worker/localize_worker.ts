/**
 * Web Worker entry: load the model with `{ id, model }`, then send
 * `{ id, image }` messages; each is answered with `{ id, result }` or
 * `{ id, error }` (see `protocol.ts`). `client.ts` wraps it in promises.
 *
 * @example
 * ```ts ignore
 * const worker = new Worker(import.meta.resolve("@pointwise/worker/worker"), { type: "module" });
 * ```
 * @module
 */
import { ServiceError, toServiceError } from "./errors.ts";
import { LocalizeService } from "./localize_service.ts";
import type { WorkerRequest, WorkerResponse, WorkerResult } from "./protocol.ts";

interface Scope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as Scope;
let service: Promise<LocalizeService> | undefined;

async function handle(m: WorkerRequest): Promise<[WorkerResponse, Transferable[]]> {
  if ("model" in m) {
    if (service) throw new ServiceError(409, "already_loaded", "the model is already loaded");
    service = LocalizeService.load(m.model);
    return [{ id: m.id, result: (await service).description }, []];
  }
  if (!service) throw new ServiceError(409, "not_loaded", "send { id, model } before images");
  const s = await service;
  const l = await s.localize(m.image);
  const result: WorkerResult = {
    ...l.summary,
    maskPng: await s.maskPng(l),
    overlayPng: await s.overlayPng(l),
  };
  return [{ id: m.id, result }, [
    result.maskPng.buffer as ArrayBuffer,
    result.overlayPng.buffer as ArrayBuffer,
  ]];
}

scope.onmessage = (e) => {
  const m = e.data;
  handle(m).then(
    ([response, transfer]) => scope.postMessage(response, transfer),
    (err) => {
      const { code, message } = toServiceError(err);
      scope.postMessage({ id: m?.id ?? -1, error: { code, message } });
    },
  );
};
