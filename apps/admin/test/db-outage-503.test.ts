// A database outage answers 503 JSON with Retry-After on the API, never a 500 (issue 9, item 10):
// connections cut mid-flight (pg "Connection terminated", Prisma P1017) and refused (P1001).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TestDatabase } from "@gatehouse/db/testing";
import type { AdminApi } from "./helpers/admin.js";
import { client } from "./helpers/admin.js";
import type { ControlPlane } from "./helpers/cluster.js";
import { waitFor } from "./helpers/cluster.js";
import { controlPlaneBehindRelay } from "./helpers/db-relay.js";
import type { Relay } from "./helpers/db-relay.js";

let db: TestDatabase | undefined;
let gate: Relay | undefined;
let cp: ControlPlane | undefined;
test.after(async () => {
  await cp?.stop();
  gate?.cut();
  await gate?.close();
  await db?.drop();
});

async function start(): Promise<{ api: AdminApi; gate: Relay; cp: ControlPlane }> {
  const started = await controlPlaneBehindRelay();
  ({ db, gate, cp } = started);
  return { api: client(started.cp), gate: started.gate, cp: started.cp };
}

const requests: [string, string, unknown?, Record<string, string>?][] = [
  ["GET", "/api/v1/services"],
  ["GET", "/api/v1/consumers/alice"],
  ["POST", "/api/v1/services", { name: "during-outage", url: "http://127.0.0.1:9/" }],
  ["GET", "/api/v1/config/export"],
  ["POST", "/api/v1/config/import", { _format_version: "3.0" }],
  ["POST", "/api/v1/auth/login", { username: "someone", password: "some-password" }],
  // a session cookie is looked up in the database
  ["GET", "/api/v1/services", undefined, { cookie: "gatehouse_session=ghs_abcdef" }],
];

async function assertAll503(api: AdminApi, when: string): Promise<void> {
  for (const [method, path, body, headers] of requests) {
    const r = await api(method, path, {
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers, token: null } : {}),
      ...(path.includes("/auth/login") ? { token: null } : {}),
    });
    const what = `${when}: ${method} ${path}${headers ? " (session)" : ""}`;
    assert.equal(r.status, 503, `${what}: ${r.status} ${r.text}`);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/, what);
    assert.equal(r.headers.get("retry-after"), "5", what);
    assert.equal(r.body.code, "unavailable", what);
    assert.equal(r.body.message, "the database is unavailable: try again shortly", what);
    assert.doesNotMatch(r.text, /Connection terminated|P10\d\d|127\.0\.0\.1/, "no internals");
  }
}

test("database outage: every API call answers 503 JSON with Retry-After, then recovers", async () => {
  const { api, gate, cp } = await start();
  assert.equal((await api("GET", "/api/v1/services")).status, 200);

  gate.cut(); // open connections reset, new ones closed at once
  await assertAll503(api, "connections cut");

  gate.restore();
  await waitFor("the API to answer again", async () => {
    return (await api("GET", "/api/v1/services")).status === 200;
  });
  assert.equal(
    (await api("GET", "/api/v1/services/during-outage")).status,
    404,
    "nothing half-applied",
  );

  gate.cut();
  await gate.close(); // nothing listens: connections refused
  await assertAll503(api, "connections refused");
  assert.match(cp.output(), /database unavailable/, "the outage is logged");
});
