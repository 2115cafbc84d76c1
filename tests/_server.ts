// Starts a server subprocess and waits for the line that gives its address.
import { ROOT } from "./_helpers.ts";

/** A running server subprocess. */
export interface Server {
  base: string;
  pid: number;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Runs `deno <args>` and resolves once stderr or stdout matches `listening` (group 1: the URL). */
export async function startServer(
  args: string[],
  listening: RegExp,
  env: Record<string, string> = {},
): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  let text = "";
  const dec = new TextDecoder();
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) {
      text += dec.decode(chunk);
      const m = listening.exec(text);
      if (m) found(m[1]);
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited = child.status.then((s) => {
    throw new Error(`the server exited with ${s.code} before listening:\n${text}`);
  });
  const base = await Promise.race([url, exited]);
  exited.catch(() => {});
  return {
    base: base.replace(/\/$/, ""),
    pid: child.pid,
    stderr: () => text,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await pumps;
    },
  };
}

/** `deno task serve --model <modelPath> --port 0`, with the task's permissions. */
export function startServe(modelPath: string, env: Record<string, string> = {}): Promise<Server> {
  return startServer(
    [
      "run",
      "--allow-read",
      "--allow-net",
      "--allow-env",
      "tasks/serve.ts",
      "--model",
      modelPath,
      "--port",
      "0",
    ],
    /serving .* on (http:\/\/127\.0\.0\.1:\d+\/)/,
    env,
  );
}
