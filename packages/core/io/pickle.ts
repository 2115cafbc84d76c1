/**
 * A strict reader of Python pickles (protocols 2 to 5, plus the few
 * protocol-0 opcodes old writers mix in). Nothing is ever executed: every
 * global the stream names must be in the caller's allow-list, which maps it
 * to a plain function, and any other global stops the read at once with an
 * error naming the file and the global. Python values become JavaScript
 * ones: None `null`, bool, int `number` (or `bigint` beyond 2^53), float,
 * str, bytes `Uint8Array`, list and tuple `Array`, dict `Map`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unpickle } from "./pickle.ts";
 * // pickle.dumps({"a": (1, 2.5)}, protocol=2)
 * const bytes = new Uint8Array([
 *   0x80, 2, 0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x4b, 1,
 *   0x47, 0x40, 4, 0, 0, 0, 0, 0, 0, 0x86, 0x71, 2, 0x73, 0x2e,
 * ]);
 * const { value } = unpickle(bytes, { name: "a.pkl", globals: {} });
 * assert.deepEqual((value as Map<string, unknown>).get("a"), [1, 2.5]);
 * ```
 * @module
 */

/** A global the stream may name: called with the REDUCE/NEWOBJ arguments. */
export type PickleGlobal = (args: unknown[]) => unknown;

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /** The file, for messages. */
  name: string;
  /** Allowed globals by "module.name" (e.g. "collections.OrderedDict"). */
  globals: Record<string, PickleGlobal>;
  /** Resolves a persistent id (BINPERSID); absent, persistent ids are refused. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Where to start reading (default 0). */
  offset?: number;
  /**
   * BUILD (setting an object's state) is accepted only on values this
   * returns true for, and then ignored: OrderedDict carries its
   * `_metadata` attribute that way.
   */
  acceptsState?: (target: unknown) => boolean;
  /** A more specific reason to give when a global is refused. */
  explainRefusal?: (qualified: string) => string | undefined;
}

/** A global that the stream named, as it sits in the data before (or without) a call. */
export class GlobalRef {
  constructor(readonly qualified: string, readonly fn: PickleGlobal) {}
}

const MARK = Symbol("mark");
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Reads one pickle; returns its value and the offset just past its STOP. */
export function unpickle(bytes: Uint8Array, o: UnpickleOptions): { value: unknown; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = o.offset ?? 0;
  const fail = (why: string): never => {
    throw new Error(`${o.name}: ${why} (pickle byte ${pos})`);
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) fail("the pickle is truncated");
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), pos += 2, view.getUint16(pos - 2, true));
  const u32 = () => (need(4), pos += 4, view.getUint32(pos - 4, true));
  const i32 = () => (need(4), pos += 4, view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) fail("the pickle is truncated (a length runs past the end)");
    return Number(v);
  };
  const take = (n: number) => (need(n), pos += n, bytes.subarray(pos - n, pos));
  const text = (n: number) => {
    try {
      return decoder.decode(take(n));
    } catch {
      return fail("a string is not valid UTF-8");
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail("the pickle is truncated (no end of line)");
    const s = new TextDecoder().decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => (stack.length === 0 ? fail("the stack is empty") : stack.pop());
  const top = () => (stack.length === 0 ? fail("the stack is empty") : stack[stack.length - 1]);
  const popMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail("no MARK on the stack");
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const global = (module: string, qualname: string) => {
    const key = `${module}.${qualname}`;
    const fn = Object.hasOwn(o.globals, key) ? o.globals[key] : undefined;
    if (fn === undefined) {
      fail(
        `refuses the global '${key}': ` + (o.explainRefusal?.(key) ??
          "only tensors, OrderedDict and plain containers are loaded " +
            "(the file may run code when Python loads it)"),
      );
    }
    return new GlobalRef(key, fn!);
  };
  const call = (f: unknown, args: unknown) => {
    if (!(f instanceof GlobalRef)) fail("REDUCE on something that is not an allowed global");
    if (!Array.isArray(args)) fail("REDUCE arguments are not a tuple");
    try {
      return (f as GlobalRef).fn(args as unknown[]);
    } catch (e) {
      return fail(`${(f as GlobalRef).qualified}: ${(e as Error).message}`);
    }
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) fail("SETITEM on something that is not a dict");
    if (items.length % 2 !== 0) fail("SETITEMS with an odd number of values");
    for (let i = 0; i < items.length; i += 2) {
      (target as Map<unknown, unknown>).set(items[i], items[i + 1]);
    }
  };
  const append = (target: unknown, items: unknown[]) => {
    if (!Array.isArray(target)) fail("APPEND on something that is not a list");
    (target as unknown[]).push(...items);
  };
  const int = (v: bigint) =>
    v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  const long = (b: Uint8Array) => {
    // Two's complement, little-endian.
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length > 0 && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return int(v);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail("pickle protocol above 5");
        break;
      case 0x95: // FRAME: a length hint only
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} values on the stack`);
        return { value: stack[0], end: pos };
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(long(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(long(take(u32())));
        break;
      case 0x49: { // INT (protocol 0): "01"/"00" are True/False
        const s = line().trim();
        if (s === "01" || s === "00") stack.push(s === "01");
        else if (/^[-+]?\d+$/.test(s)) stack.push(int(BigInt(s)));
        else fail(`INT with a bad value '${s}'`);
        break;
      }
      case 0x47: // BINFLOAT, big-endian
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x54: // BINSTRING (Python 2 str): kept as latin-1 text
        stack.push(String.fromCharCode(...take(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(String.fromCharCode(...take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x64: { // DICT
        const d = new Map();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x6c: // LIST
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: { // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x70: { // PUT (protocol 0)
        const k = Number(line());
        if (!Number.isInteger(k)) fail("PUT with a bad index");
        memo.set(k, top());
        break;
      }
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: { // GET (protocol 0)
        const k = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(line());
        if (!memo.has(k)) fail(`memo entry ${k} is not defined`);
        stack.push(memo.get(k));
        break;
      }
      case 0x63: { // GLOBAL: "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") {
          fail("STACK_GLOBAL needs two strings");
        }
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args), treated as a call
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: { // BUILD
        pop();
        if (!(o.acceptsState?.(top()) ?? false)) {
          fail("BUILD (setting an object's state) is refused");
        }
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (o.persistentLoad === undefined) fail("persistent ids are not allowed here");
        try {
          stack.push(o.persistentLoad!(pid));
        } catch (e) {
          fail((e as Error).message);
        }
        break;
      }
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")}`);
    }
  }
}
