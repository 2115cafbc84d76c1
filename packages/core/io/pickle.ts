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
import { PickleCursor } from "./pickle_cursor.ts";

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

/** An integer as a number where it is exact, else a bigint. */
const int = (v: bigint) =>
  v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;

/** LONG1/LONG4's bytes: two's complement, little-endian. */
function long(b: Uint8Array): number | bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b.length > 0 && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return int(v);
}

/** The pickle machine: its stack, its memo, and the checked moves on them. */
class Machine {
  readonly stack: unknown[] = [];
  readonly memo = new Map<number, unknown>();

  constructor(readonly c: PickleCursor, readonly o: UnpickleOptions) {}

  push(v: unknown): void {
    this.stack.push(v);
  }

  pop(): unknown {
    return this.stack.length === 0 ? this.c.fail("the stack is empty") : this.stack.pop();
  }

  top(): unknown {
    const s = this.stack;
    return s.length === 0 ? this.c.fail("the stack is empty") : s[s.length - 1];
  }

  /** The items above the last MARK, which is dropped with them. */
  popMark(): unknown[] {
    const at = this.stack.lastIndexOf(MARK);
    if (at < 0) this.c.fail("no MARK on the stack");
    const items = this.stack.splice(at);
    items.shift();
    return items;
  }

  global(module: string, qualname: string): GlobalRef {
    const key = `${module}.${qualname}`;
    const fn = Object.hasOwn(this.o.globals, key) ? this.o.globals[key] : undefined;
    if (fn === undefined) {
      this.c.fail(
        `refuses the global '${key}': ` + (this.o.explainRefusal?.(key) ??
          "only tensors, OrderedDict and plain containers are loaded " +
            "(the file may run code when Python loads it)"),
      );
    }
    return new GlobalRef(key, fn);
  }

  call(f: unknown, args: unknown): unknown {
    if (!(f instanceof GlobalRef)) this.c.fail("REDUCE on something that is not an allowed global");
    if (!Array.isArray(args)) this.c.fail("REDUCE arguments are not a tuple");
    try {
      return f.fn(args);
    } catch (e) {
      return this.c.fail(`${f.qualified}: ${(e as Error).message}`);
    }
  }

  setItems(target: unknown, items: unknown[]): void {
    if (!(target instanceof Map)) this.c.fail("SETITEM on something that is not a dict");
    if (items.length % 2 !== 0) this.c.fail("SETITEMS with an odd number of values");
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
  }

  append(target: unknown, items: unknown[]): void {
    if (!Array.isArray(target)) this.c.fail("APPEND on something that is not a list");
    target.push(...items);
  }
}

/** What one opcode does (STOP aside, which ends the read). */
type Op = (m: Machine, op: number) => void;

/** Protocol markers, constants, numbers, text and bytes. */
const VALUES: Record<number, Op> = {
  0x80: (m) => { // PROTO
    if (m.c.u8() > 5) m.c.fail("pickle protocol above 5");
  },
  0x95: (m) => void m.c.u64(), // FRAME: a length hint only
  0x28: (m) => m.push(MARK), // MARK
  0x4e: (m) => m.push(null), // NONE
  0x88: (m) => m.push(true), // NEWTRUE
  0x89: (m) => m.push(false), // NEWFALSE
  0x4a: (m) => m.push(m.c.i32()), // BININT
  0x4b: (m) => m.push(m.c.u8()), // BININT1
  0x4d: (m) => m.push(m.c.u16()), // BININT2
  0x8a: (m) => m.push(long(m.c.take(m.c.u8()))), // LONG1
  0x8b: (m) => m.push(long(m.c.take(m.c.u32()))), // LONG4
  0x49: (m) => { // INT (protocol 0): "01"/"00" are True/False
    const s = m.c.line().trim();
    if (s === "01" || s === "00") m.push(s === "01");
    else if (/^[-+]?\d+$/.test(s)) m.push(int(BigInt(s)));
    else m.c.fail(`INT with a bad value '${s}'`);
  },
  0x47: (m) => m.push(m.c.f64()), // BINFLOAT, big-endian
  0x58: (m) => m.push(m.c.text(m.c.u32())), // BINUNICODE
  0x8c: (m) => m.push(m.c.text(m.c.u8())), // SHORT_BINUNICODE
  0x8d: (m) => m.push(m.c.text(m.c.u64())), // BINUNICODE8
  // BINSTRING and SHORT_BINSTRING (Python 2 str): kept as latin-1 text.
  0x54: (m) => m.push(String.fromCharCode(...m.c.take(m.c.u32()))),
  0x55: (m) => m.push(String.fromCharCode(...m.c.take(m.c.u8()))),
  0x42: (m) => m.push(m.c.take(m.c.u32()).slice()), // BINBYTES
  0x43: (m) => m.push(m.c.take(m.c.u8()).slice()), // SHORT_BINBYTES
  0x8e: (m) => m.push(m.c.take(m.c.u64()).slice()), // BINBYTES8
};

/** Dicts, lists and tuples, and the stack's own moves. */
const CONTAINERS: Record<number, Op> = {
  0x7d: (m) => m.push(new Map()), // EMPTY_DICT
  0x5d: (m) => m.push([]), // EMPTY_LIST
  0x29: (m) => m.push([]), // EMPTY_TUPLE
  0x64: (m) => { // DICT
    const d = new Map();
    m.setItems(d, m.popMark());
    m.push(d);
  },
  0x6c: (m) => m.push(m.popMark()), // LIST
  0x74: (m) => m.push(m.popMark()), // TUPLE
  0x85: (m) => m.push([m.pop()]), // TUPLE1
  0x86: (m) => { // TUPLE2
    const b = m.pop();
    m.push([m.pop(), b]);
  },
  0x87: (m) => { // TUPLE3
    const c = m.pop();
    const b = m.pop();
    m.push([m.pop(), b, c]);
  },
  0x73: (m) => { // SETITEM
    const v = m.pop();
    const k = m.pop();
    m.setItems(m.top(), [k, v]);
  },
  0x75: (m) => { // SETITEMS
    const items = m.popMark();
    m.setItems(m.top(), items);
  },
  0x61: (m) => { // APPEND
    const v = m.pop();
    m.append(m.top(), [v]);
  },
  0x65: (m) => { // APPENDS
    const items = m.popMark();
    m.append(m.top(), items);
  },
  0x30: (m) => void m.pop(), // POP
  0x31: (m) => void m.popMark(), // POP_MARK
  0x32: (m) => m.push(m.top()), // DUP
};

/** The memo: PUT (by index, or the next one) and GET. */
const MEMO: Record<number, Op> = {
  0x71: (m) => void m.memo.set(m.c.u8(), m.top()), // BINPUT
  0x72: (m) => void m.memo.set(m.c.u32(), m.top()), // LONG_BINPUT
  0x94: (m) => void m.memo.set(m.memo.size, m.top()), // MEMOIZE
  0x70: (m) => { // PUT (protocol 0)
    const k = Number(m.c.line());
    if (!Number.isInteger(k)) m.c.fail("PUT with a bad index");
    m.memo.set(k, m.top());
  },
  0x68: (m) => get(m, m.c.u8()), // BINGET
  0x6a: (m) => get(m, m.c.u32()), // LONG_BINGET
  0x67: (m) => get(m, Number(m.c.line())), // GET (protocol 0)
};

function get(m: Machine, k: number): void {
  if (!m.memo.has(k)) m.c.fail(`memo entry ${k} is not defined`);
  m.push(m.memo.get(k));
}

/** REDUCE and NEWOBJ: the allowed global under the top of the stack, called with the top. */
const callTop: Op = (m) => {
  const args = m.pop();
  m.push(m.call(m.pop(), args));
};

/** Globals (allow-listed), calls to them, object state and persistent ids. */
const OBJECTS: Record<number, Op> = {
  0x63: (m) => { // GLOBAL: "module\nname\n"
    const module = m.c.line();
    m.push(m.global(module, m.c.line()));
  },
  0x93: (m) => { // STACK_GLOBAL
    const name = m.pop();
    const module = m.pop();
    if (typeof module !== "string" || typeof name !== "string") {
      return m.c.fail("STACK_GLOBAL needs two strings");
    }
    m.push(m.global(module, name));
  },
  0x52: callTop, // REDUCE
  0x81: callTop, // NEWOBJ: cls.__new__(cls, *args), treated as a call
  0x62: (m) => { // BUILD
    m.pop();
    if (!(m.o.acceptsState?.(m.top()) ?? false)) {
      m.c.fail("BUILD (setting an object's state) is refused");
    }
  },
  0x51: (m) => { // BINPERSID
    const pid = m.pop();
    const load = m.o.persistentLoad;
    if (load === undefined) return m.c.fail("persistent ids are not allowed here");
    try {
      m.push(load(pid));
    } catch (e) {
      m.c.fail((e as Error).message);
    }
  },
};

const OPS = new Map<number, Op>(
  [VALUES, CONTAINERS, MEMO, OBJECTS].flatMap((t) =>
    Object.entries(t).map(([k, f]) => [Number(k), f] as const)
  ),
);

/** Reads one pickle; returns its value and the offset just past its STOP. */
export function unpickle(bytes: Uint8Array, o: UnpickleOptions): { value: unknown; end: number } {
  const c: PickleCursor = new PickleCursor(bytes, o.name, o.offset ?? 0);
  const m = new Machine(c, o);
  for (;;) {
    const op = c.u8();
    if (op === 0x2e) { // STOP
      if (m.stack.length !== 1) c.fail(`STOP with ${m.stack.length} values on the stack`);
      return { value: m.stack[0], end: c.pos };
    }
    const f = OPS.get(op);
    if (f === undefined) c.fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")}`);
    f(m, op);
  }
}
