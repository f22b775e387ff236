// Temp directories and log-file readers for file-log's tests.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { PluginDefinition } from "@gatehouse/plugin-kit";
import pino from "pino";
import { fileLog } from "../src/index.js";

/** A fresh directory under the OS temp dir, removed after the test. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gh-file-log-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The JSON lines of a file ([] when it does not exist). */
export async function jsonLines(file: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  assert(text === "" || text.endsWith("\n"), `${file} does not end with a newline`);
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls until `file` has `n` lines (fails after 5 s). */
export async function waitForLines(file: string, n: number): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = await jsonLines(file);
    if (lines.length >= n) return lines;
    if (Date.now() > deadline) throw new Error(`${file} has ${lines.length} lines, expected ${n}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function assert(ok: boolean, msg: string): asserts ok {
  if (!ok) throw new Error(msg);
}

export const uri = (e: Record<string, unknown>): unknown =>
  (e.request as { uri?: unknown } | undefined)?.uri;

type StartGateway = (
  config: unknown,
  opts?: {
    plugins?: ReadonlyMap<string, PluginDefinition>;
    logger?: unknown;
    fileLogDirs?: string[];
  },
) => Promise<{ url: string; close(): Promise<void> }>;

/**
 * A real gateway (apps/gateway's startGateway, built) running file-log, allowed to write in
 * `dirs` (--file-log-dir); its log records are kept.
 */
export async function fileLogGateway(t: TestContext, config: unknown, dirs: string[]) {
  const { startGateway } = (await import("@gatehouse/gateway/testing" as string)) as {
    startGateway: StartGateway;
  };
  const records: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: "info" },
    { write: (s: string) => void records.push(JSON.parse(s) as { level: number; msg: string }) },
  );
  const gw = await startGateway(config, {
    plugins: new Map([["file-log", fileLog]]),
    logger,
    fileLogDirs: dirs,
  });
  t.after(() => gw.close());
  return { url: gw.url, records };
}
