/**
 * Runs WGSL compute programs of our own on tfjs's webgpu backend, in its
 * command stream: the same device, the same buffers, the same compute pass,
 * so a program sees every earlier op's output and later ops see its own.
 * tfjs's `runWebGPUProgram` writes one output and wraps the shader in its own
 * prelude; these programs write several outputs (X+ and X- together, batch
 * norm's y with its statistics) and are plain WGSL.
 *
 * Bindings of a program, in order: its outputs (read_write), its inputs
 * (read), then a uniform struct `Params` when it has parameters. Every
 * binding must be used by the shader (the pipeline layout is derived from it).
 *
 * It relies on internals of tfjs-backend-webgpu 4.22 (the pinned version):
 * `tensorMap`, `uploadToGPU`, the command and compute-pass encoders. They are
 * checked once, with a clear error if a new version moved them.
 *
 * @example
 * ```ts ignore
 * const out = backend.makeTensorInfo(x.shape, "float32");
 * runProgram(backend, {
 *   key: "scale",
 *   wgsl: () => SCALE_WGSL,
 *   outputs: [out],
 *   inputs: [x],
 *   params: [{ type: "f32", value: 2 }, { type: "u32", value: size }],
 *   workgroups: elementwiseGrid(backend, size),
 * });
 * ```
 * @module
 */
import { tf } from "../tf.ts";

/** One scalar field of a program's `Params` uniform struct. */
export interface Param {
  type: "f32" | "i32" | "u32";
  value: number;
}

/** A dispatch of one WGSL program. */
export interface ProgramCall {
  /** Identifies the shader source: equal keys must mean equal WGSL. */
  key: string;
  /** The WGSL source, built only when `key` is new. */
  wgsl: () => string;
  outputs: tf.TensorInfo[];
  inputs: tf.TensorInfo[];
  params?: Param[];
  /** Workgroups in x, y, z. */
  workgroups: [number, number, number];
  /** Name shown by tfjs's profiler. */
  label?: string;
}

interface TensorData {
  dtype: tf.DataType;
  shape: number[];
  resource: unknown;
}

/** The members of tfjs's WebGPUBackend these programs use. */
export interface WebGpuBackendLike {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(dataId: object): TensorData; has(dataId: object): boolean };
  bufferManager: {
    acquireBuffer(size: number, usage: number): GPUBuffer;
  };
  uniformPendingDisposal: GPUBuffer[];
  commandQueueOwnedIds: WeakSet<object>;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  activeTimers?: unknown[] | null;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: unknown): tf.TensorInfo;
  uploadToGPU(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

const REQUIRED = [
  "device",
  "tensorMap",
  "bufferManager",
  "uploadToGPU",
  "makeTensorInfo",
  "ensureCommandEncoderReady",
  "endComputePassEncoder",
  "submitQueue",
  "uniformPendingDisposal",
  "commandQueueOwnedIds",
] as const;

const checked = new WeakSet<object>();
const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** The backend as the programs see it; throws if it lacks what they need. */
export function asWebGpu(backend: unknown): WebGpuBackendLike {
  const b = backend as Record<string, unknown>;
  if (!checked.has(b)) {
    const missing = REQUIRED.filter((k) => b[k] === undefined);
    if (missing.length > 0) {
      throw new Error(
        `the webgpu backend lacks ${missing.join(", ")}: ` +
          "these kernels need @tensorflow/tfjs-backend-webgpu 4.22",
      );
    }
    checked.add(b);
  }
  return backend as WebGpuBackendLike;
}

/** Pipeline creations whose validation has not been read yet, with their key. */
const pending: Promise<string | null>[] = [];

function pipelineFor(device: GPUDevice, call: ProgramCall): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (cache === undefined) pipelines.set(device, cache = new Map());
  let pipeline = cache.get(call.key);
  if (pipeline === undefined) {
    // WebGPU reports a bad shader or layout asynchronously and then runs
    // nothing: the error is logged, and `programErrors()` returns it.
    device.pushErrorScope("validation");
    const module = device.createShaderModule({ code: call.wgsl(), label: call.key });
    pipeline = device.createComputePipeline({
      layout: "auto",
      compute: { module, entryPoint: "main" },
      label: call.key,
    });
    const check = device.popErrorScope().then((e) => {
      if (e === null) return null;
      const message = `WGSL program ${call.key} is invalid: ${e.message}`;
      console.error(message);
      return message;
    });
    pending.push(check);
    cache.set(call.key, pipeline);
  }
  return pipeline;
}

/** Errors of every program built so far (empty when all compiled and validated). */
export async function programErrors(): Promise<string[]> {
  const found = await Promise.all(pending);
  return found.filter((e): e is string => e !== null);
}

function uniformBuffer(b: WebGpuBackendLike, params: Param[]): GPUBuffer {
  // Every field is a 4-byte scalar: offsets are 4 * index; the size is padded to 16.
  const bytes = Math.max(16, Math.ceil((params.length * 4) / 16) * 16);
  const data = new ArrayBuffer(bytes);
  const f = new Float32Array(data);
  const i = new Int32Array(data);
  const u = new Uint32Array(data);
  params.forEach((p, k) => {
    if (p.type === "f32") f[k] = p.value;
    else if (p.type === "i32") i[k] = p.value;
    else u[k] = p.value;
  });
  const buffer = b.bufferManager.acquireBuffer(
    bytes,
    GPUBufferUsage.COPY_DST | GPUBufferUsage.UNIFORM,
  );
  b.queue.writeBuffer(buffer, 0, data, 0, bytes);
  // tfjs releases it after the next submit, as its own uniforms.
  b.uniformPendingDisposal.push(buffer);
  return buffer;
}

/** Records one dispatch of `call` in the backend's current compute pass. */
export function runProgram(backend: unknown, call: ProgramCall): void {
  const b = asWebGpu(backend);
  const tensors = [...call.outputs, ...call.inputs];
  if (tensors.some((t) => t.shape.reduce((a, v) => a * v, 1) === 0)) {
    throw new Error(`${call.key}: empty tensors are not supported`);
  }
  for (const t of tensors) b.uploadToGPU(t.dataId);
  const pipeline = pipelineFor(b.device, call);
  const entries: GPUBindGroupEntry[] = tensors.map((t, binding) => ({
    binding,
    resource: { buffer: b.tensorMap.get(t.dataId).resource as GPUBuffer },
  }));
  if (call.params !== undefined && call.params.length > 0) {
    entries.push({ binding: entries.length, resource: { buffer: uniformBuffer(b, call.params) } });
  }
  // Tensors used by recorded work are freed only after the submit.
  for (const t of tensors) b.commandQueueOwnedIds.add(t.dataId);
  const bindGroup = b.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  b.ensureCommandEncoderReady();
  if (b.computePassEncoder === null) {
    b.computePassEncoder = b.commandEncoder!.beginComputePass({});
  }
  b.computePassEncoder.setPipeline(pipeline);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  b.computePassEncoder.dispatchWorkgroups(...call.workgroups);
  b.dispatchCountInPass++;
  const batch = tf.env().get("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE") as number;
  if (b.activeTimers != null || b.dispatchCountInPass >= batch) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
}

/** A float32 scratch tensor of `size` elements; free it with `backend.disposeData`. */
export function scratch(backend: unknown, size: number): tf.TensorInfo {
  return asWebGpu(backend).makeTensorInfo([size], "float32");
}

/** Threads per workgroup of the one-dimensional programs. */
export const WORKGROUP = 256;

/** Workgroups that cover `threads` one-dimensional threads, spread over x and y. */
export function grid(threads: number, workgroup = WORKGROUP): [number, number, number] {
  const groups = Math.max(1, Math.ceil(threads / workgroup));
  if (groups <= 65535) return [groups, 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}

/** WGSL for the flat thread index of a {@link grid} dispatch (`wg` threads per group). */
export function flatIndex(wg = WORKGROUP): string {
  return `(gid.x + gid.y * nwg.x * ${wg}u)`;
}

/** WGSL binding declarations: outputs, then inputs, then `Params` if any. */
export function bindings(
  outputs: string[],
  inputs: string[],
  params: string[] = [],
  types: Record<string, string> = {},
): string {
  const lines: string[] = [];
  let i = 0;
  for (const o of outputs) {
    lines.push(
      `@group(0) @binding(${i++}) var<storage, read_write> ${o}: array<${types[o] ?? "f32"}>;`,
    );
  }
  for (const n of inputs) {
    lines.push(`@group(0) @binding(${i++}) var<storage, read> ${n}: array<${types[n] ?? "f32"}>;`);
  }
  if (params.length > 0) {
    lines.push(`struct Params { ${params.join(", ")} };`);
    lines.push(`@group(0) @binding(${i}) var<uniform> P: Params;`);
  }
  return lines.join("\n");
}
