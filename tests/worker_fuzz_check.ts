// A bounded fuzz of the HTTP service over loopback: a few thousand bodies
// mutated from valid images of every format it reads (bit flips, cuts,
// repeated and spliced pieces, header sizes changed, random bytes), random
// methods, routes and Accept headers, 8 at a time. No answer may be a 500, the
// service must answer a valid image correctly afterwards, and its memory must
// not grow without bound. Seeded: the same requests every run. A body that
// gets a 500 is kept in test-artifacts/fuzz/ to reproduce it.
//
// A script, run in a process of its own by worker_fuzz_test.ts: `deno test
// --parallel` runs every test module in one process, whose RSS would count
// the memory of whatever else runs meanwhile. Exits non-zero on a failed
// assertion.
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeImage } from "@pointwise/core/lite";
import { loadOnnx } from "@pointwise/runtime";
import { createHandler } from "@pointwise/worker";
import { Rng } from "@pointwise/core";
import { ROOT, syntheticPngs, tinyOnnx } from "./_helpers.ts";

const REQUESTS = 3000;
const CONCURRENCY = 8;
const model = await tinyOnnx();

async function seeds(): Promise<Uint8Array[]> {
  const fixtures = join(ROOT, "tests", "fixtures");
  const files = [
    "rgb.png",
    "rgba.png",
    "palette.png",
    "gray16.png",
    "interlaced.png",
    "rgb.jpg",
    "gray.jpg",
    "progressive.jpg",
    "gray_lzw.tif",
    "big_endian.tif",
    "lossy.webp",
    "lossless.webp",
  ];
  const out = await Promise.all(files.map((f) => Deno.readFile(join(fixtures, f))));
  return [...out, ...(await syntheticPngs([32, 40, 48]))];
}

/** One mutated body from the seeds. */
function mutate(r: Rng, seeds: Uint8Array[]): Uint8Array {
  const pick = () => seeds[r.int(seeds.length)];
  let b: Uint8Array = pick().slice();
  const steps = 1 + r.int(3);
  for (let s = 0; s < steps; s++) {
    switch (r.int(8)) {
      case 0: // bit flips
        for (let k = 1 + r.int(8); k > 0 && b.length > 0; k--) b[r.int(b.length)] ^= 1 << r.int(8);
        break;
      case 1: // random bytes over a stretch
        if (b.length > 0) {
          const at = r.int(b.length);
          for (let i = at; i < Math.min(b.length, at + 1 + r.int(64)); i++) b[i] = r.int(256);
        }
        break;
      case 2: // cut
        b = b.slice(0, r.int(b.length + 1));
        break;
      case 3: { // a piece repeated
        const at = r.int(b.length + 1);
        const piece = b.slice(at, at + 1 + r.int(200));
        b = Uint8Array.from([...b.slice(0, at), ...piece, ...piece, ...b.slice(at)]);
        break;
      }
      case 4: { // spliced with another seed
        const other = pick();
        const cut = r.int(b.length + 1);
        b = Uint8Array.from([...b.slice(0, cut), ...other.slice(r.int(other.length + 1))]);
        break;
      }
      case 5: // a size in the header: PNG's IHDR, or the first 8 bytes after the signature
        if (b.length >= 24) {
          const at = b[0] === 0x89 ? 16 + 4 * r.int(2) : 4 + r.int(Math.min(20, b.length - 8));
          const v = [0, 1, 0xffff, 0x7fffffff, 0xffffffff, r.int(100000)][r.int(6)];
          new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0);
        }
        break;
      case 6: // a piece removed
        if (b.length > 2) {
          const at = r.int(b.length);
          b = Uint8Array.from([...b.slice(0, at), ...b.slice(at + 1 + r.int(100))]);
        }
        break;
      default: // random bytes behind a real signature, or none at all
        b = Uint8Array.from([
          ...pick().slice(0, r.int(16)),
          ...Array.from({ length: r.int(3000) }, () => r.int(256)),
        ]);
    }
  }
  return b;
}

const ROUTES = ["/v1/localize", "/v1/model", "/healthz", "/model.onnx", "/", "/x"];
const METHODS = ["POST", "GET", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];
// Mostly JSON answers: an overlay picture costs more than the rest of a request.
const ACCEPT = [
  "",
  "",
  "",
  "",
  "*/*",
  "application/json",
  "application/json, image/png",
  "image/png",
  "image/jpeg",
  "image/webp",
];

function rss(): number {
  return Deno.memoryUsage().rss;
}

async function fuzz(): Promise<void> {
  const failures: string[] = [];
  const handler = createHandler({
    model,
    limits: { maxBytes: 65536, maxPixels: 256 * 256, maxConcurrent: 2, maxQueued: 64 },
    log: (m, e) => failures.push(`${m} ${(e as Error)?.stack ?? e}`),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const all = await seeds();
  const r = new Rng(20261203);
  const bodies = Array.from({ length: REQUESTS }, () => mutate(r, all));
  // Most requests post an image; one in eight tries another method or route.
  const shapes = bodies.map(() => {
    const odd = r.int(8) === 0;
    return {
      method: odd ? METHODS[r.int(METHODS.length)] : "POST",
      path: odd ? ROUTES[r.int(ROUTES.length)] : "/v1/localize",
      accept: r.int(3) === 0 ? ACCEPT[r.int(ACCEPT.length)] : "",
    };
  });
  const statuses = new Map<number, number>();
  const kept = join(ROOT, "test-artifacts", "fuzz");
  let next = 0;
  let warm = 0;
  let peak = 0;
  const started = performance.now();
  const lane = async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      const { method, path, accept } = shapes[i];
      const body = method === "GET" || method === "HEAD" ? undefined : bodies[i];
      const res = await fetch(base + path, {
        method,
        body: body as BodyInit | undefined,
        headers: accept ? { accept } : {},
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 && res.status !== 503) {
        failures.push(`request ${i}: ${method} ${path} got ${res.status}`);
        await Deno.mkdir(kept, { recursive: true });
        await Deno.writeFile(join(kept, `request-${i}.bin`), bodies[i]);
      }
      if (i === 300) warm = rss();
      if (i > 300 && i % 100 === 0) peak = Math.max(peak, rss());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - started) / 1000;
  const grown = (rss() - warm) / 2 ** 20;
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);

  // Afterwards the service answers a valid image as the runtime itself does.
  const [png] = await syntheticPngs([64], 99);
  const ok = await fetch(`${base}/v1/localize`, { method: "POST", body: png as BodyInit });
  assert.equal(ok.status, 200);
  const answer = await ok.json();
  const reference = await loadOnnx(model, "model.onnx", { backend: "wasm" });
  const expected = await reference.predict(await decodeImage(png, "png"));
  await reference.dispose();
  assert.equal(answer.class, expected.className);
  assert.equal(answer.maskArea, expected.maskArea);
  await server.shutdown();

  const counts = [...statuses].sort((x, y) => x[0] - y[0]).map(([s, n]) => `${s}: ${n}`);
  console.error(
    `fuzz: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${counts.join(", ")}); ` +
      `RSS ${mib(warm)} MiB after the first 300, peak ${mib(peak)} MiB, ${
        mib(rss())
      } MiB at the end`,
  );
  assert.deepEqual(failures, [], "no request may fail with a 500");
  assert.ok((statuses.get(200) ?? 0) > 50, "some mutated images still decode and are answered");
  // The wasm decoders are instantiated per image and their memory goes with
  // them; the one model session stays. Growth beyond this is a leak.
  assert.ok(grown < 200, `RSS grew ${grown.toFixed(0)} MiB over ${REQUESTS - 300} requests`);
}

await fuzz();
