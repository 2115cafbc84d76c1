/**
 * PyTorch weight files (`.pth`, `.pt`) read without Python, into the same
 * structure as the safetensors reader gives. Two containers are read:
 *
 * - the zip format (`torch.save` since PyTorch 1.6): `<root>/data.pkl`, a
 *   pickle whose tensors point through persistent ids at the records
 *   `<root>/data/<key>`; a `<root>/byteorder` record other than "little"
 *   is refused;
 * - the legacy format (`_use_new_zipfile_serialization=False`): a magic
 *   number, a protocol version and system info pickled in a row, the object
 *   pickle, the list of storage keys, then each storage as an 8-byte element
 *   count and its little-endian bytes.
 *
 * The older tar format (PyTorch before 0.4) and TorchScript archives are not
 * read. The unpickler is strict (see `pickle.ts`): only
 * `torch._utils._rebuild_tensor_v2` / `_rebuild_parameter`, the storage
 * types of float32, float16, bfloat16, float64 and int64,
 * `collections.OrderedDict` and plain containers are allowed; any other
 * global is refused with the file and the global named, before anything of
 * it is used. Tensors may be strided, offset or share storages; values are
 * gathered into contiguous arrays. Float tensors become float32, int64
 * tensors (BatchNorm's `num_batches_tracked`) are listed in `others`.
 *
 * The state dict is the pickled dict itself when it holds tensors, else its
 * `state_dict` (or `model_state_dict`, `model`, `net`, `network`) entry. A
 * `module.` prefix on every name (left by DataParallel) is removed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePytorch } from "./pytorch.ts";
 * const bytes = await Deno.readFile(new URL("../../../tests/fixtures/pth/tensors.pth", import.meta.url));
 * const file = decodePytorch(bytes, "tensors.pth");
 * assert.deepEqual(file.tensors.get("conv.weight")!.shape, [4, 3, 3, 3]);
 * ```
 * @module
 */
import type { NamedArray } from "../util/named_array.ts";
import { GlobalRef, type PickleGlobal, unpickle } from "./pickle.ts";
import { halfToFloat, type OtherTensor, type SafetensorsFile } from "./safetensors.ts";
import { isZip, zipEntries } from "./zip_entries.ts";

/** Storage classes by their pickled name, with their element size and safetensors dtype. */
const STORAGES: Record<string, { dtype: string; size: number }> = {
  "torch.FloatStorage": { dtype: "F32", size: 4 },
  "torch.HalfStorage": { dtype: "F16", size: 2 },
  "torch.BFloat16Storage": { dtype: "BF16", size: 2 },
  "torch.DoubleStorage": { dtype: "F64", size: 8 },
  "torch.LongStorage": { dtype: "I64", size: 8 },
};

/** The legacy format's first pickle: the long 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = [
  0x80,
  2,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
];

const STATE_DICT_KEYS = ["state_dict", "model_state_dict", "model", "net", "network"];

class StorageType {
  constructor(readonly name: string, readonly dtype: string, readonly size: number) {}
}

class Storage {
  constructor(
    readonly key: string,
    readonly type: StorageType,
    readonly numel: number,
    readonly bytes: () => Uint8Array,
  ) {}
}

/** A tensor as the pickle describes it: a strided view into a storage. */
export class TensorRef {
  constructor(
    readonly storage: Storage,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

/**
 * True when `bytes` start like a PyTorch file (zip archive or legacy pickle).
 *
 * @param bytes the file's first bytes.
 * @returns whether they look like a `torch.save` file (zip or legacy).
 */
export function isPytorch(bytes: Uint8Array): boolean {
  return isZip(bytes) || LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Reads a `.pth`/`.pt` file's state dict; `name` (the file) goes into every error.
 *
 * @param bytes a `.pth`/`.pt` file.
 * @param name the file, named in every error.
 * @returns the floating-point tensors, by name, and the others' descriptions.
 */
export function decodePytorch(bytes: Uint8Array, name: string): SafetensorsFile {
  const root = isZip(bytes)
    ? readZipFormat(bytes, name)
    : LEGACY_MAGIC.every((b, i) => bytes[i] === b)
    ? readLegacyFormat(bytes, name)
    : fail(name, "not a PyTorch file (neither a zip archive nor a legacy pickle)");
  return toStateDict(root, name);
}

function fail(name: string, why: string): never {
  throw new Error(`${name}: ${why}`);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

function intList(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every(isInt)) throw new Error(`${what} is not a tuple of sizes`);
  return v as number[];
}

/** The allowed globals. Storage types only appear as arguments, never called. */
function globals(): Record<string, PickleGlobal> {
  const g: Record<string, PickleGlobal> = {
    "collections.OrderedDict": (args) => {
      if (args.length !== 0) throw new Error("OrderedDict with arguments");
      return new Map();
    },
    "torch._utils._rebuild_tensor_v2": ([storage, offset, size, stride]) => {
      if (!(storage instanceof Storage)) throw new Error("the first argument is not a storage");
      if (!isInt(offset)) throw new Error("bad storage offset");
      return new TensorRef(storage, offset, intList(size, "size"), intList(stride, "stride"));
    },
    "torch._utils._rebuild_parameter": ([data]) => {
      if (!(data instanceof TensorRef)) throw new Error("a parameter without a tensor");
      return data;
    },
  };
  // How Python 3 pickles `bytes` at protocol 2: _codecs.encode(text, "latin1").
  g["_codecs.encode"] = ([text, encoding]) => {
    if (typeof text !== "string" || encoding !== "latin1") throw new Error("not latin-1 bytes");
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  };
  for (const qualified of Object.keys(STORAGES)) {
    g[qualified] = () => {
      throw new Error("a storage type is not callable");
    };
  }
  return g;
}

/** Why a storage type outside {@link STORAGES} is refused. */
function explainRefusal(qualified: string): string | undefined {
  const m = /^torch\.(\w+)Storage$/.exec(qualified);
  if (m === null) return undefined;
  return `tensors of ${m[1]} type are not read (only float32, float16, bfloat16, float64 ` +
    "and int64 storages)";
}

function storageTypeOf(v: unknown): StorageType {
  if (!(v instanceof GlobalRef) || !(v.qualified in STORAGES)) {
    throw new Error("a storage reference without a supported storage type");
  }
  const s = STORAGES[v.qualified];
  return new StorageType(v.qualified, s.dtype, s.size);
}

function readZipFormat(bytes: Uint8Array, name: string): unknown {
  const entries = zipEntries(bytes, name);
  const pkl = [...entries.keys()].find((k) => /^[^/]+\/data\.pkl$/.test(k));
  if (pkl === undefined) {
    if ([...entries.keys()].some((k) => k.endsWith("constants.pkl"))) {
      fail(name, "a TorchScript archive (torch.jit.save), not a state dict: save state_dict()");
    }
    fail(name, "a zip archive without data.pkl: not a PyTorch checkpoint");
  }
  const root = pkl.slice(0, -"data.pkl".length);
  const order = entries.get(`${root}byteorder`);
  if (order !== undefined) {
    const text = new TextDecoder().decode(order.data()).trim();
    if (text !== "little") fail(name, `stored in ${text}-endian byte order`);
  }
  const storages = new Map<string, Storage>();
  const { value } = unpickle(entries.get(pkl)!.data(), {
    name,
    globals: globals(),
    explainRefusal,
    acceptsState: (t) => t instanceof Map,
    persistentLoad: (pid) => {
      // ('storage', storage_type, key, location, numel)
      if (!Array.isArray(pid) || pid[0] !== "storage" || pid.length < 5) {
        throw new Error(
          `unsupported persistent id ${JSON.stringify(Array.isArray(pid) ? pid[0] : pid)}`,
        );
      }
      const [, typeRef, key, , numel] = pid;
      if (typeof key !== "string" || !isInt(numel)) throw new Error("bad storage reference");
      const type = storageTypeOf(typeRef);
      let s = storages.get(key);
      if (s === undefined) {
        const entry = entries.get(`${root}data/${key}`);
        if (entry === undefined) throw new Error(`storage ${key} is missing from the archive`);
        if (entry.size !== numel * type.size) {
          throw new Error(
            `storage ${key} holds ${entry.size} bytes, ${numel} ${type.dtype} values need ${
              numel * type.size
            }`,
          );
        }
        s = new Storage(key, type, numel, () => entry.data());
        storages.set(key, s);
      }
      return s;
    },
  });
  return value;
}

function readLegacyFormat(bytes: Uint8Array, name: string): unknown {
  const plain = { name, globals: {} };
  const { end } = unpickle(bytes, plain); // magic number
  const version = unpickle(bytes, { ...plain, offset: end });
  if (version.value !== 1001) fail(name, `legacy protocol version ${version.value}, not 1001`);
  const info = unpickle(bytes, { ...plain, offset: version.end });
  const sys = info.value instanceof Map ? info.value : new Map();
  if (sys.get("little_endian") !== true) fail(name, "written on a big-endian machine");
  const pending = new Map<string, { type: StorageType; numel: number; storage: Storage }>();
  const data = new Map<string, Uint8Array>();
  const object = unpickle(bytes, {
    name,
    offset: info.end,
    globals: globals(),
    explainRefusal,
    acceptsState: (t) => t instanceof Map,
    persistentLoad: (pid) => {
      // ('storage', storage_type, root_key, location, numel, view_metadata)
      if (!Array.isArray(pid) || pid[0] !== "storage" || pid.length < 6) {
        throw new Error(
          `unsupported persistent id ${JSON.stringify(Array.isArray(pid) ? pid[0] : pid)}`,
        );
      }
      const [, typeRef, key, , numel, viewMetadata] = pid;
      if (typeof key !== "string" || !isInt(numel)) throw new Error("bad storage reference");
      if (viewMetadata !== null) throw new Error("storage views of the legacy format are not read");
      const type = storageTypeOf(typeRef);
      let p = pending.get(key);
      if (p === undefined) {
        const storage = new Storage(key, type, numel, () => {
          const b = data.get(key);
          if (b === undefined) throw new Error(`${name}: storage ${key} has no data`);
          return b;
        });
        p = { type, numel, storage };
        pending.set(key, p);
      }
      return p.storage;
    },
  });
  const keys = unpickle(bytes, { ...plain, offset: object.end });
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === "string")) {
    fail(name, "the legacy storage key list is malformed");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keys.end;
  for (const key of keys.value as string[]) {
    const p = pending.get(key);
    if (p === undefined) fail(name, `storage ${key} is listed but never used`);
    if (pos + 8 > bytes.length) fail(name, `storage ${key} is truncated`);
    const numel = Number(view.getBigUint64(pos, true));
    if (numel !== p.numel) {
      fail(name, `storage ${key} holds ${numel} values, the pickle says ${p.numel}`);
    }
    const n = numel * p.type.size;
    if (pos + 8 + n > bytes.length) fail(name, `storage ${key} is truncated`);
    data.set(key, bytes.subarray(pos + 8, pos + 8 + n));
    pos += 8 + n;
  }
  return object.value;
}

/** Picks the state dict out of what the pickle held and gathers its tensors. */
function toStateDict(root: unknown, name: string): SafetensorsFile {
  const holdsTensors = (m: unknown): m is Map<unknown, unknown> =>
    m instanceof Map && m.size > 0 && [...m.values()].every((v) => v instanceof TensorRef);
  let dict: Map<unknown, unknown> | undefined;
  let entry = "";
  if (holdsTensors(root)) dict = root;
  else if (root instanceof Map) {
    for (const k of STATE_DICT_KEYS) {
      if (holdsTensors(root.get(k))) {
        dict = root.get(k) as Map<unknown, unknown>;
        entry = k;
        break;
      }
    }
    if (dict === undefined) {
      const keys = [...root.keys()].map(String).join(", ");
      fail(
        name,
        `no state dict: the checkpoint holds {${keys}}, and none of ${
          STATE_DICT_KEYS.join(", ")
        } maps names to tensors only`,
      );
    }
  } else fail(name, "the pickle holds no dict of tensors");
  const names = [...dict!.keys()];
  if (!names.every((k) => typeof k === "string")) fail(name, "a state dict key is not a string");
  const strip = (names as string[]).every((k) => k.startsWith("module."));
  const tensors = new Map<string, NamedArray>();
  const others = new Map<string, OtherTensor>();
  for (const [key, t] of dict!) {
    const k = strip ? (key as string).slice(7) : key as string;
    const ref = t as TensorRef;
    if (ref.storage.type.dtype === "I64") {
      checkBounds(ref, `${name}: tensor ${key}`);
      others.set(k, { dtype: "I64", shape: ref.shape });
    } else tensors.set(k, { shape: ref.shape, data: gather(ref, `${name}: tensor ${key}`) });
  }
  const metadata: Record<string, string> = { format: "pytorch" };
  if (entry !== "") metadata.entry = entry;
  if (strip) metadata.stripped_prefix = "module.";
  return { tensors, others, metadata };
}

function checkBounds(t: TensorRef, where: string): number {
  if (t.shape.length !== t.stride.length) {
    throw new Error(`${where}: size and stride have different lengths`);
  }
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count === 0) return 0;
  let last = t.offset;
  for (let d = 0; d < t.shape.length; d++) last += (t.shape[d] - 1) * t.stride[d];
  if (last >= t.storage.numel) {
    throw new Error(
      `${where}: its view reaches element ${last} of a storage of ${t.storage.numel}`,
    );
  }
  return count;
}

// bfloat16 is the upper half of a float32.
const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/** Gathers a strided view into a contiguous float32 array. */
function gather(t: TensorRef, where: string): Float32Array {
  const count = checkBounds(t, where);
  const out = new Float32Array(count);
  if (count === 0) return out;
  const bytes = t.storage.bytes();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { dtype, size } = t.storage.type;
  const read = dtype === "F32"
    ? (i: number) => view.getFloat32(4 * i, true)
    : dtype === "F64"
    ? (i: number) => view.getFloat64(8 * i, true)
    : dtype === "F16"
    ? (i: number) => halfToFloat(view.getUint16(2 * i, true))
    : (i: number) => (bits[0] = view.getUint16(2 * i, true) << 16, asFloat[0]);
  if (bytes.length < t.storage.numel * size) throw new Error(`${where}: the storage is truncated`);
  // Walk the index space in row-major order with an odometer over the dimensions.
  const rank = t.shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = t.offset;
  for (let i = 0; i < count; i++) {
    out[i] = read(src);
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < t.shape[d]) {
        src += t.stride[d];
        break;
      }
      src -= (t.shape[d] - 1) * t.stride[d];
      index[d] = 0;
    }
  }
  return out;
}
