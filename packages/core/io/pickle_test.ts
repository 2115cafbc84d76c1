import assert from "node:assert/strict";
import { unpickle } from "./pickle.ts";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));

// Both written by CPython 3.11: pickle.dumps(OBJ, protocol=P).hex() with
// OBJ = {"a": (1, 2.5), "neg": -7, "big": 2**70, "mbig": -(2**63), "none": None, "t": True,
//        "f": False, "s": "héllo", "b": b"\x00\xff", "l": [1, [2, 3]], "i2": 40000,
//        "i4": 2**31-1}
const P2 =
  "80027d71002858010000006171014b0147400400000000000086710258030000006e656771034af9ffffff580300000062696771048a0900000000000000004058040000006d62696771058a08000000000000008058040000006e6f6e6571064e5801000000747107885801000000667108895801000000737109580600000068c3a96c6c6f710a580100000062710b635f636f646563730a656e636f64650a710c580300000000c3bf710d58060000006c6174696e31710e86710f52711058010000006c71115d7112284b015d7113284b024b0365655802000000693271144d409c5802000000693471154affffff7f752e";
const P5 =
  "8005958f000000000000007d94288c0161944b0147400400000000000086948c036e6567944af9ffffff8c03626967948a090000000000000000408c046d626967948a0800000000000000808c046e6f6e65944e8c017494888c016694898c0173948c0668c3a96c6c6f948c016294430200ff948c016c945d94284b015d94284b024b0365658c026932944d409c8c026934944affffff7f752e";

function expected(bytes: unknown): Map<string, unknown> {
  return new Map<string, unknown>([
    ["a", [1, 2.5]],
    ["neg", -7],
    ["big", 2n ** 70n],
    ["mbig", -(2n ** 63n)],
    ["none", null],
    ["t", true],
    ["f", false],
    ["s", "héllo"],
    ["b", bytes],
    ["l", [1, [2, 3]]],
    ["i2", 40000],
    ["i4", 2 ** 31 - 1],
  ]);
}

Deno.test("unpickle reads protocol 5 (frames, memoize, short strings) into plain values", () => {
  const { value, end } = unpickle(hex(P5), { name: "p5.pkl", globals: {} });
  assert.deepEqual(value, expected(new Uint8Array([0, 0xff])));
  assert.equal(end, hex(P5).length);
});

Deno.test("unpickle reads protocol 2, calling only the allowed globals", () => {
  const calls: unknown[][] = [];
  const { value } = unpickle(hex(P2), {
    name: "p2.pkl",
    globals: { "_codecs.encode": (args) => (calls.push(args), "encoded") },
  });
  assert.deepEqual(value, expected("encoded"));
  assert.deepEqual(calls, [["\u0000ÿ", "latin1"]]);
});

Deno.test("unpickle refuses any other global, naming the file and the global", () => {
  // pickle.dumps(E(), protocol=P) with E.__reduce__ returning (eval, ("1+1",)).
  const eval2 = hex(
    "8002635f5f6275696c74696e5f5f0a6576616c0a71005803000000312b3171018571025271032e",
  );
  const eval4 = hex(
    "8004951f000000000000008c086275696c74696e73948c046576616c9493948c03312b3194859452942e",
  );
  assert.throws(
    () => unpickle(eval2, { name: "evil.pkl", globals: {} }),
    /^Error: evil\.pkl: refuses the global '__builtin__\.eval': only tensors/,
  );
  assert.throws(
    () => unpickle(eval4, { name: "evil4.pkl", globals: { "builtins.exec": () => 0 } }),
    /evil4\.pkl: refuses the global 'builtins\.eval'/,
  );
  // Object.prototype names are not globals.
  const proto = Uint8Array.from("\x80\x02c__proto__\nconstructor\n.", (c) => c.charCodeAt(0));
  assert.throws(() => unpickle(proto, { name: "p.pkl", globals: {} }), /refuses the global/);
});

Deno.test("unpickle refuses BUILD, persistent ids and malformed streams", () => {
  const build = hex("80027d7d622e"); // {} {} BUILD STOP
  assert.throws(() => unpickle(build, { name: "b.pkl", globals: {} }), /b\.pkl: BUILD .* refused/);
  assert.deepEqual(
    unpickle(build, { name: "b.pkl", globals: {}, acceptsState: (t) => t instanceof Map }).value,
    new Map(),
  );
  const pid = hex("80024b01512e"); // 1 BINPERSID STOP
  assert.throws(() => unpickle(pid, { name: "q.pkl", globals: {} }), /persistent ids/);
  assert.deepEqual(
    unpickle(pid, { name: "q.pkl", globals: {}, persistentLoad: (p) => [p] }).value,
    [1],
  );
  assert.throws(
    () => unpickle(hex(P5).subarray(0, 40), { name: "cut.pkl", globals: {} }),
    /cut\.pkl: the pickle is truncated/,
  );
  assert.throws(() => unpickle(hex("8002ff"), { name: "x.pkl", globals: {} }), /opcode 0xff/);
  assert.throws(
    () => unpickle(hex("80024b014b012e"), { name: "x.pkl", globals: {} }),
    /STOP with 2/,
  );
  assert.throws(() => unpickle(hex("800268052e"), { name: "x.pkl", globals: {} }), /memo entry 5/);
  assert.throws(() => unpickle(hex("8002732e"), { name: "x.pkl", globals: {} }), /stack is empty/);
  // SHORT_BINUNICODE: 5 bytes announced, 2 there; then 2 bytes that are not UTF-8.
  assert.throws(
    () => unpickle(hex("80028c056869"), { name: "s.pkl", globals: {} }),
    /^Error: s\.pkl: the pickle is truncated \(pickle byte 4\)$/,
  );
  assert.throws(
    () => unpickle(hex("80028c02c3282e"), { name: "u.pkl", globals: {} }),
    /^Error: u\.pkl: a string is not valid UTF-8 \(pickle byte 6\)$/,
  );
  // Protocol 0's INT and PUT/GET, and the opcodes that move the stack.
  const p0 = Uint8Array.from(
    "\x80\x02(I01\nI-12\nI99999999999999999999\np3\n0g3\n2t.",
    (c) => c.charCodeAt(0),
  );
  assert.deepEqual(unpickle(p0, { name: "p0.pkl", globals: {} }).value, [
    true,
    -12,
    99999999999999999999n,
    99999999999999999999n,
  ]);
});
