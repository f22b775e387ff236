import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { KitLogger } from "@gatehouse/plugin-kit";
import { FileLogWriter } from "./writer.js";
import { tempDir } from "../testing.js";

function recorder(): { log: KitLogger; records: { level: string; msg: string }[] } {
  const records: { level: string; msg: string }[] = [];
  const at =
    (level: string) =>
    (a: unknown, b?: string): void => {
      records.push({ level, msg: typeof a === "string" ? a : (b ?? "") });
    };
  return {
    records,
    log: {
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
    } as KitLogger,
  };
}

/** A writer whose first open waits until `unstall()`: a stalled disk. */
class StalledWriter extends FileLogWriter {
  private opened: (() => void) | undefined;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  unstall(): void {
    this.opened?.();
  }
  protected override async open(): ReturnType<FileLogWriter["open"]> {
    await this.gate;
    return super.open();
  }
}

test("a slow file: push() never waits; past the bound the oldest entries are dropped with a counted warning", async (t) => {
  const file = join(await tempDir(t), "slow.log");
  const rec = recorder();
  const w = new StalledWriter(file, rec.log, 3);
  t.after(async () => {
    w.unstall();
    await w.close();
  });
  // The file never opens while these are pushed: push() returning (synchronously, with no promise
  // to wait on) while the open is stalled is what "never waits" means; no clock is involved.
  for (const line of ["1", "2", "3", "4", "5", "6"]) {
    const returned: unknown = w.push(line, false);
    assert.equal(returned, undefined, "push() returns nothing to wait on");
  }
  assert.equal(w.size, 3);
  assert.equal(w.dropped, 2);
  assert.deepEqual(
    rec.records.filter((r) => r.level === "warn").map((r) => r.msg),
    [`file-log: ${file} is slow: backlog full (3 entries), dropped the oldest 1 entries`],
  );
  w.unstall();
  await w.close();
  assert.equal(await readFile(file, "utf8"), "1\n4\n5\n6\n");
});

test("entries queued during a write are appended together in the next batch, in order", async (t) => {
  const file = join(await tempDir(t), "batch.log");
  const w = new FileLogWriter(file, recorder().log);
  t.after(() => w.close());
  for (let i = 0; i < 50; i++) w.push(String(i), i % 2 === 0);
  await w.idle();
  assert.deepEqual(
    (await readFile(file, "utf8")).split("\n").slice(0, -1),
    Array.from({ length: 50 }, (_, i) => String(i)),
  );
});
