// The kill -9 test's entry point: `pointwise train`, which can stop in the
// middle of writing a file so the test can kill it there. Arguments: NAME N
// and the train arguments. The Nth temporary file whose name holds NAME is
// written half, "PAUSED <path>" goes to stderr, and the process waits to be
// killed. NAME "-" never pauses.
import { main } from "@pointwise/cli";

const [name, nth, ...argv] = Deno.args;
const writeFile = Deno.writeFile;
let seen = 0;
(Deno as unknown as { writeFile: typeof Deno.writeFile }).writeFile = async (path, data, o) => {
  const p = String(path);
  if (name !== "-" && p.endsWith(".tmp") && p.includes(name) && ++seen === Number(nth)) {
    const bytes = data as Uint8Array;
    await writeFile(path, bytes.subarray(0, bytes.length >> 1), o);
    console.error(`PAUSED ${p}`);
    setInterval(() => {}, 1000);
    return await new Promise<void>(() => {});
  }
  return await writeFile(path, data, o);
};
(Deno as unknown as { writeTextFile: typeof Deno.writeTextFile }).writeTextFile = (path, text, o) =>
  Deno.writeFile(path, new TextEncoder().encode(text as string), o);
Deno.exit(await main(["train", ...argv]));
