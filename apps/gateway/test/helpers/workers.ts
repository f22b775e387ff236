// A gateway started with --workers N as a child process (the built CLI), for the workers tests.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { send } from "../helpers.js";
import type { Reply } from "../helpers.js";
import { freePort, run, started, tempDir } from "./cli.js";

export const TOKEN = "cli-token-0123456789";

export interface WorkerInfo {
  id: number;
  pid: number;
  state: string;
  version: number | null;
  requests: number | null;
}

export interface Cluster {
  proxy: string;
  control: string;
  primary: ReturnType<typeof run>;
  controlCall(method: string, path: string, body?: unknown): Promise<Reply>;
  workers(): Promise<WorkerInfo[]>;
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `--workers n` on free ports with `config` as its file; stopped (SIGKILL of all) after the test. */
export async function startCluster(
  t: TestContext,
  config: unknown,
  n = 2,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<Cluster> {
  const dir = await tempDir(t);
  const file = join(dir, "kong.json");
  await writeFile(file, JSON.stringify(config));
  const [port, cport] = [await freePort(), await freePort()];
  const primary = run(
    [
      "--config",
      file,
      "--listen",
      `127.0.0.1:${port}`,
      "--listen-tls",
      "127.0.0.1:0",
      "--control",
      `127.0.0.1:${cport}`,
      "--cache-dir",
      join(dir, "cache"),
      "--workers",
      String(n),
      ...extra,
    ],
    env,
  );
  const control = `http://127.0.0.1:${cport}`;
  const controlCall = (method: string, path: string, body?: unknown) =>
    send(control + path, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const workers = async (): Promise<WorkerInfo[]> => {
    const r = await controlCall("GET", "/v1/status");
    assert.equal(r.status, 200, r.text);
    return (r.json() as { workers: WorkerInfo[] }).workers;
  };
  let pids: number[] = [];
  t.after(async () => {
    for (const pid of [primary.child.pid ?? 0, ...pids]) {
      if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL");
    }
  });
  await started(primary);
  pids = (await workers()).map((w) => w.pid);
  return { proxy: `http://127.0.0.1:${port}`, control, primary, controlCall, workers };
}
