import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

let admin: Admin;
let api: ReturnType<typeof client>;

const names = (body: { data: { name: string }[] }) => body.data.map((s) => s.name);

before(async () => {
  admin = await startAdmin();
  api = client(admin);
  const tags: Record<string, string[]> = {
    alpha: ["a", "b"],
    bravo: ["a"],
    charlie: ["b"],
    delta: ["c"],
    echo: ["a", "b", "c"],
  };
  for (const [name, t] of Object.entries(tags)) {
    const r = await api("POST", "/api/v1/services", {
      body: { name, host: `${name}.internal`, tags: t },
    });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => admin?.stop());

test("cursor pagination walks every row once, following `next`", async () => {
  const first = await api("GET", "/api/v1/services?size=2&sort_by=name");
  assert.deepEqual(names(first.body), ["alpha", "bravo"]);
  assert.ok(first.body.offset);
  const second = await api("GET", first.body.next);
  assert.deepEqual(names(second.body), ["charlie", "delta"]);
  const third = await api("GET", second.body.next);
  assert.deepEqual(names(third.body), ["echo"]);
  assert.equal(third.body.next, null);
  assert.equal(third.body.offset, null);
});

test("sorting by name, descending", async () => {
  const r = await api("GET", "/api/v1/services?sort_by=name&sort_desc=true");
  assert.deepEqual(names(r.body), ["echo", "delta", "charlie", "bravo", "alpha"]);
});

test("tags=a,b means all of, tags=a/c any of", async () => {
  assert.deepEqual(names((await api("GET", "/api/v1/services?tags=a,b&sort_by=name")).body), [
    "alpha",
    "echo",
  ]);
  assert.deepEqual(names((await api("GET", "/api/v1/services?tags=b/c&sort_by=name")).body), [
    "alpha",
    "charlie",
    "delta",
    "echo",
  ]);
});

test("q searches names, name matches exactly", async () => {
  assert.deepEqual(names((await api("GET", "/api/v1/services?q=ha&sort_by=name")).body), [
    "alpha",
    "charlie",
  ]);
  assert.deepEqual(names((await api("GET", "/api/v1/services?name=echo")).body), ["echo"]);
});

test("bad list parameters are a 400 naming each one", async () => {
  const r = await api("GET", "/api/v1/services?size=0&sort_by=colour&offset=garbage&tags=a,b/c");
  assert.equal(r.status, 400);
  assert.deepEqual(r.body.errors.map((e: { path: string }) => e.path).sort(), [
    "offset",
    "size",
    "sort_by",
    "tags",
  ]);
});
