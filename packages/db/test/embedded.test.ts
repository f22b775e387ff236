import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/embedded.js";

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("embedded PostgreSQL: starts, keeps its data across a restart and a stale pid file, stops cleanly", async () => {
  const root = await mkdtemp(join(tmpdir(), "gh-embedded-"));
  dirs.push(root);
  // Like `npm start`: the data directory sits in a private (0700) directory.
  await mkdir(join(root, ".data"), { mode: 0o700 });
  const dataDir = join(root, ".data", "postgres");

  const first = await startEmbeddedPostgres({ dataDir });
  let stopped = false;
  after(async () => {
    if (!stopped) await first.stop();
  });
  const url = new URL(first.url);
  assert.equal(url.hostname, "127.0.0.1");
  assert.notEqual(first.port, 5432);
  assert.equal(url.pathname, "/gatehouse");
  assert.ok(decodeURIComponent(url.password).length >= 24, "a generated password");
  assert.equal((await stat(join(dataDir, "password"))).mode & 0o777, 0o600);

  // Password authentication is really on.
  const wrong = new URL(first.url);
  wrong.password = "wrong";
  await assert.rejects(sql(wrong.toString(), "SELECT 1"), /password authentication failed/);

  await sql(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
  const pidFile = join(dataDir, "pgdata", "postmaster.pid");
  const serverPid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  assert.equal(alive(serverPid), true);
  await first.stop();
  stopped = true;
  await first.stop(); // idempotent
  assert.equal(alive(serverPid), false, "no server process left behind");
  await assert.rejects(stat(pidFile), /ENOENT/, "a clean shutdown removes postmaster.pid");

  // A crash leaves postmaster.pid behind; here it names a live process that is not PostgreSQL.
  await writeFile(
    join(dataDir, "pgdata", "postmaster.pid"),
    `${process.pid}\n${join(dataDir, "pgdata")}\n0\n5432\n\n127.0.0.1\n`,
  );

  const second = await startEmbeddedPostgres({ dataDir });
  try {
    assert.equal(new URL(second.url).password, url.password, "the same stored password");
    const rows = await sql<{ v: string }>(second.url, "SELECT v FROM kept");
    assert.deepEqual(rows, [{ v: "still here" }]);
  } finally {
    await second.stop();
  }
  await assert.rejects(sql(second.url, "SELECT 1"), /ECONNREFUSED/);
});
