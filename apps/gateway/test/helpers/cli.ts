// The built CLI as a child process, for tests that start the gateway the way operators do.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

// The built CLI: `npm run build` (or tsc -p tsconfig.build.json) must have run.
export const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gh-cli-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `openFiles`: the gateway runs under `ulimit -n openFiles` */
export function run(args: string[], env: Record<string, string> = {}, openFiles?: number) {
  const [cmd, argv] =
    openFiles === undefined
      ? [process.execPath, [MAIN, ...args]]
      : ["sh", ["-c", `ulimit -n ${openFiles} && exec "$0" "$@"`, process.execPath, MAIN, ...args]];
  const child = spawn(cmd, argv, {
    env: { ...process.env, GATEHOUSE_CLUSTER_TOKEN: "cli-token-0123456789", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

/** Resolves once the gateway logged "gateway started"; fails if it exits first. */
export async function started(p: ReturnType<typeof run>): Promise<void> {
  while (!p.out().includes("gateway started")) {
    const code = await Promise.race([p.exited, once(p.child.stdout, "data").then(() => -1)]);
    assert.equal(code, -1, p.err());
  }
}

export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
