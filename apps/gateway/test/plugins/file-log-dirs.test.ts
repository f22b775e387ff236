// file-log writes only inside the data plane's --file-log-dir directories: refused when a config is
// applied (400 naming config.path) and again when the file is opened.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { tempDir, waitForLines } from "@gatehouse/plugins/testing";
import { doc, echoUpstream, fileLogGateway } from "./helpers.js";

const OUTSIDE = (dirs: string) =>
  `is outside the data plane's log directories (${dirs}; --file-log-dir)`;

/** Starts a gateway allowed to write in `allowed`, loading `path` as file-log's path. */
async function apply(t: TestContext, allowed: string[], path: string) {
  const up = await echoUpstream(t);
  return fileLogGateway(t, doc(up.url, [{ name: "file-log", config: { path } }]), allowed);
}

/** The errors a gateway gives for file-log's `path` when loading the config. */
async function refusal(t: TestContext, allowed: string[], path: string): Promise<string> {
  const err = await apply(t, allowed, path).then(
    () => assert.fail(`${path} was accepted`),
    (e: Error) => e.message,
  );
  return err;
}

test("attack: an absolute path outside the allowed directories is refused when applied", async (t) => {
  const allowed = await tempDir(t);
  const victim = join(await tempDir(t), "authorized_keys");
  const msg = await refusal(t, [allowed], victim);
  assert.match(msg, new RegExp(`plugins\\[0\\]\\.config\\.path: ${escape(OUTSIDE(allowed))}`));
  await assert.rejects(stat(victim), { code: "ENOENT" });
});

test("attack: .. traversal out of the allowed directory is refused (absolute and relative)", async (t) => {
  const allowed = await tempDir(t);
  for (const path of [join(allowed, "..", "escape.log"), "../escape.log", "a/../../escape.log"]) {
    const msg = await refusal(t, [allowed], path);
    assert.match(msg, /config\.path: is outside the data plane's log directories/, path);
  }
});

test("attack: a symlinked directory or a final symlink pointing outside is refused", async (t) => {
  const allowed = await tempDir(t);
  const outside = await tempDir(t);
  await symlink(outside, join(allowed, "linkdir"));
  assert.match(
    await refusal(t, [allowed], join(allowed, "linkdir", "x.log")),
    /config\.path: is outside the data plane's log directories/,
  );
  await writeFile(join(outside, "target"), "untouched\n");
  await symlink(join(outside, "target"), join(allowed, "link.log"));
  assert.match(
    await refusal(t, [allowed], "link.log"),
    /config\.path: is a symbolic link to a file is outside the data plane's log directories/,
  );
  assert.equal(await readFile(join(outside, "target"), "utf8"), "untouched\n");
});

test("attack: a FIFO, a device, a socket or a directory as the log file is refused", async (t) => {
  const allowed = await tempDir(t);
  execFileSync("mkfifo", [join(allowed, "fifo")]);
  await mkdir(join(allowed, "dir"));
  assert.match(await refusal(t, [allowed], "fifo"), /config\.path: is a FIFO, not a regular file/);
  assert.match(
    await refusal(t, [allowed], "dir"),
    /config\.path: is a directory, not a regular file/,
  );
  // /dev/null-like: a device, even in a directory the data plane allows
  assert.match(
    await refusal(t, [allowed, "/dev"], "/dev/null"),
    /config\.path: is a character device, not a regular file/,
  );
});

test("an allowed path works: absolute inside, or relative to the first --file-log-dir", async (t) => {
  const first = await tempDir(t);
  const second = await tempDir(t);
  const up = await echoUpstream(t);
  const gw = await fileLogGateway(
    t,
    doc(up.url, [{ name: "file-log", config: { path: "access.log" } }]),
    [first, second],
  );
  await (await fetch(`${gw.url}/api/one`)).arrayBuffer();
  assert.equal((await waitForLines(join(first, "access.log"), 1)).length, 1);

  const other = await apply(t, [first, second], join(second, "other.log"));
  await (await fetch(`${other.url}/api/two`)).arrayBuffer();
  assert.equal((await waitForLines(join(second, "other.log"), 1)).length, 1);
});

test("attack: a FIFO or a symlink put in place after the config was applied is refused when opened", async (t) => {
  const allowed = await tempDir(t);
  const outside = await tempDir(t);
  const gw = await apply(t, [allowed], "late.log");
  // the file does not exist when the config is applied; a symlink to outside appears later
  await writeFile(join(outside, "target"), "untouched\n");
  await symlink(join(outside, "target"), join(allowed, "late.log"));
  await (await fetch(`${gw.url}/api/x`)).arrayBuffer();
  await waitFor(() =>
    gw.records.some((r) => r.msg.includes("the path is a symbolic link (refused)")),
  );
  assert.equal(await readFile(join(outside, "target"), "utf8"), "untouched\n");

  const fifoGw = await apply(t, [allowed], "late.fifo");
  execFileSync("mkfifo", [join(allowed, "late.fifo")]);
  const r = await fetch(`${fifoGw.url}/api/y`);
  assert.equal(r.status, 200); // the request never waits for the file
  await r.arrayBuffer();
  await waitFor(() =>
    fifoGw.records.some((l) => l.msg.includes("the path is a FIFO or a device (refused)")),
  );
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
