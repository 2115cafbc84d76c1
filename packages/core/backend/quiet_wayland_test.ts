// Asking for a WebGPU adapter where Mesa's Vulkan drivers are installed and no desktop session
// runs, by the backend probe and by the WebGPU backend's start (`--backend webgpu`):
// libwayland's two "XDG_RUNTIME_DIR is invalid" lines are silenced where the permission is
// granted, and the variable and its directory are gone afterwards.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const MESSAGE = /XDG_RUNTIME_DIR is invalid or not set/;

/** What asks for an adapter: the probe, or the WebGPU backend's start. */
const ASK = {
  probe: `import { probeWebGpu } from ${JSON.stringify(import.meta.resolve("./select.ts"))};
const p = await probeWebGpu();`,
  start: `import { initBackend } from ${JSON.stringify(import.meta.resolve("./backend.ts"))};
const p = await initBackend("webgpu").then(() => ({ adapter: true }), () => ({ adapter: false }));`,
};

/**
 * Asks in a fresh process with `flags`, XDG_RUNTIME_DIR unset and a temporary
 * directory of its own (other tests' processes make theirs in the shared
 * one meanwhile); its stderr, what it printed, and what it left there.
 */
async function probe(
  flags: string[],
  ask: keyof typeof ASK = "probe",
): Promise<{ stderr: string; stdout: string; left: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "pointwise-probe-" });
  const tmp = join(dir, "tmp");
  await Deno.mkdir(tmp);
  const script = join(dir, "probe.ts");
  await Deno.writeTextFile(
    script,
    `${ASK[ask]}
const granted = Deno.permissions.querySync({ name: "env", variable: "XDG_RUNTIME_DIR" }).state === "granted";
console.log(JSON.stringify({ adapter: p.adapter, after: granted ? Deno.env.get("XDG_RUNTIME_DIR") ?? null : "unread" }));
`,
  );
  const env = { ...Deno.env.toObject(), NO_COLOR: "1", TMPDIR: tmp };
  delete (env as Record<string, string>).XDG_RUNTIME_DIR;
  const out = await new Deno.Command(Deno.execPath(), {
    // The workspace's configuration: its import map names tfjs's packages.
    args: ["run", "--config", fileURLToPath(import.meta.resolve("../../../deno.json"))]
      .concat(["--allow-read", ...flags, script]),
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const left = [...Deno.readDirSync(tmp)].map((e) => e.name);
  await Deno.remove(dir, { recursive: true });
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return { stderr: dec.decode(out.stderr), stdout: dec.decode(out.stdout), left };
}

for (const ask of ["probe", "start"] as const) {
  Deno.test(`libwayland's XDG_RUNTIME_DIR lines silenced where allowed (${ask}), and cleaned up`, async (t) => {
    const plain = await probe(["--allow-write"], ask);
    if (!MESSAGE.test(plain.stderr)) {
      // Without a Vulkan driver that loads libwayland there is nothing to silence here.
      t.step({ name: "skipped: no driver here prints the lines", ignore: true, fn: () => {} });
      return;
    }
    const quiet = await probe(["--allow-write", "--allow-env=XDG_RUNTIME_DIR"], ask);
    assert.doesNotMatch(quiet.stderr, MESSAGE);
    assert.deepEqual(JSON.parse(quiet.stdout).after, null, "the variable is unset again");
    assert.deepEqual(quiet.left.filter((n) => n.startsWith("pointwise-xdg-")), [], "removed");
  });
}
