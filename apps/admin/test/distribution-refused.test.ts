// Why a data plane does not run the newest version is visible in the API: a plugin set lacking a
// plugin the config uses (incompatible, checked before pushing) or the data plane's own refusal
// (rejected, with its 400 errors). The running config keeps serving.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createPrismaClient } from "@gatehouse/db/client";
import { commitVersion, lockChanges } from "@gatehouse/db/versions";
import { client } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import {
  dataPlaneView,
  newestVersion,
  startControlPlane,
  startDataPlane,
  waitFor,
  waitInSync,
} from "./helpers/cluster.js";

let cp: ControlPlane;
let full: DataPlane;
let lacking: DataPlane;
let api: ReturnType<typeof client>;

before(async () => {
  cp = await startControlPlane();
  api = client(cp);
  const r = await api("POST", "/api/v1/routes", {
    body: { name: "open", paths: ["/open"] },
  });
  assert.equal(r.status, 201, r.text);
  [full, lacking] = await Promise.all([
    startDataPlane(cp),
    startDataPlane(cp, { args: ["--plugins", "bundled,-request-termination"] }),
  ]);
});
after(async () => {
  await Promise.all([full?.stop(), lacking?.stop()]);
  await cp?.stop();
});

test("a data plane without a plugin the config uses is incompatible, naming the plugin; the other applies", async () => {
  const before = await lacking.status();
  const r = await api("POST", "/api/v1/routes/open/plugins", {
    body: { name: "request-termination", config: { status_code: 403, message: "closed" } },
  });
  assert.equal(r.status, 201, r.text);
  const newest = await newestVersion(cp);
  await waitInSync(cp, full.id, newest.version);
  const view = await waitFor("incompatible", async () => {
    const v = await dataPlaneView(cp, lacking.id);
    return v.status === "incompatible" ? v : undefined;
  });
  assert.deepEqual(view.missing_plugins, ["request-termination"]);
  assert.equal(view.target_version, newest.version);
  assert.equal(view.applied_version, before.version);
  assert.match(view.errors[0]?.message ?? "", /request-termination/);
  assert.match(view.last_error ?? "", /request-termination/);
  // never pushed: it still runs (and serves) what it had
  assert.equal((await lacking.status()).version, before.version);
  // the old config: a route with no service and no plugin answers 503
  assert.equal((await fetch(`${lacking.proxyUrl}/open`)).status, 503);
  assert.equal((await fetch(`${full.proxyUrl}/open`)).status, 403);
});

test("a config the data plane refuses is rejected with its reasons; the previous config keeps serving", async () => {
  const good = await newestVersion(cp);
  // The admin applies the data planes' rules, so only a version written past it (straight into
  // the database, or by an admin of an older release with looser rules) can carry a route path
  // every data plane refuses.
  const prisma = createPrismaClient(cp.db.url);
  try {
    await prisma.$transaction(async (tx) => {
      await lockChanges(tx);
      await tx.route.create({ data: { name: "bad-escape", paths: ["/bad/%zz"] } });
      await commitVersion(tx, { author: "older-admin", message: "no route rules" });
    });
  } finally {
    await prisma.$disconnect();
  }
  const newest = await newestVersion(cp);
  const view = await waitFor("rejected", async () => {
    const v = await dataPlaneView(cp, full.id);
    return v.status === "rejected" ? v : undefined;
  });
  assert.equal(view.target_version, newest.version);
  assert.equal(view.applied_version, good.version);
  assert.ok(
    view.errors.some(
      (e) => /^routes\[\d+\]\.paths\[0\]$/.test(e.path) && /percent-encoding/.test(e.message),
    ),
    JSON.stringify(view.errors),
  );
  assert.match(view.last_error ?? "", /refused version/);
  assert.equal((await full.status()).version, good.version);
  assert.equal((await fetch(`${full.proxyUrl}/open`)).status, 403);

  // fixing the config brings it back in sync
  const fixed = await api("DELETE", "/api/v1/routes/bad-escape");
  assert.equal(fixed.status, 204, fixed.text);
  const after = await newestVersion(cp);
  const synced = await waitInSync(cp, full.id, after.version);
  assert.deepEqual(synced.errors, []);
});
