// Config distribution benchmark (part of `npm run bench`, or alone: `node bench/push.mjs
// [--routes N] [--changes N] [--profile]`): the built admin (control plane, apps/admin/server.mjs
// as `npm start` runs it; bench/stack.mjs) and two gateway processes registered with it, an N-route config (10,000 `/svcN/items` prefixes; at
// 100,000 and more, bench/lib.mjs's mixed routes: prefixes, every 10th with a host, every 50th a
// regex, like routes.mjs); then repeated changes through the REST API (PATCH a route's tags), each
// timed until BOTH data planes run it. Reports p50/p99 of "committed (API answered) -> applied on
// both" (push_p99_ms_<N>_routes) and of "API request sent -> applied on both"
// (write_p99_ms_<N>_routes). With `profile` (a directory), the admin runs under `--cpu-prof` and
// its profile of the measured changes is written there (bench/profile.mjs).
import { parseArgs } from "node:util";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeProfile } from "./profile.mjs";
import { openControlPlane, until } from "./stack.mjs";

const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const pct = (xs, p) => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
};
const round = (x) => Math.round(x * 10) / 10;

/**
 * mixedRoutes(count) of bench/lib.mjs (names r0..., `/svcI/vJ/items` prefixes, every 10th with a
 * host, every 50th a regex path instead), as rows of service "bench", in one INSERT.
 */
async function insertMixedRoutes(require, url, count) {
  const pg = require("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Route" ("id", "name", "serviceId", "paths", "hosts", "updatedAt")
       SELECT gen_random_uuid()::text, 'r' || i, s."id",
         CASE WHEN i % 50 = 0 THEN ARRAY['~/re' || i || '/(?<id>\\d+)$']
              ELSE ARRAY['/svc' || i || '/v' || (i % 7) || '/items'] END,
         CASE WHEN i % 10 = 0 THEN ARRAY['h' || i || '.example.test'] ELSE '{}'::text[] END,
         now()
       FROM generate_series(0, $1::int - 1) AS i, "Service" s WHERE s."name" = 'bench'`,
      [count - 1], // + the imported route "seed"
    );
  } finally {
    await client.end();
  }
}

/** "10k", "100k": the row names' route count */
export const routesLabel = (n) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

/**
 * @param {{ root?: string, routes?: number, changes?: number, profile?: string,
 *   log?: (line: string) => void }} [opts]
 * @returns {Promise<null | { rows: Record<string, number>, details: object }>} null when skipped;
 *   rows: push_p99_ms_<N>_routes (committed -> applied on both) and write_p99_ms_<N>_routes
 *   (request sent -> applied on both)
 */
export async function benchPush(opts = {}) {
  const root = opts.root ?? defaultRoot;
  const routes = opts.routes ?? 10_000;
  const changes = opts.changes ?? 15;
  const log = opts.log ?? ((line) => console.log(line));
  const cp = await openControlPlane({ root, label: "push bench", log });
  if (cp === null) return null;
  const { api, status } = cp;
  try {
    const profileDir = opts.profile ? join(cp.work, "admin-profile") : null;
    let adminProc = await cp.startAdmin();

    // the N-route config: in one import (one version) up to the API's 1 MB request body; beyond,
    // the service through the API, then the routes (bench/lib.mjs's mixedRoutes, built by
    // PostgreSQL) straight into the database, then one pull of the cluster's config endpoint,
    // which commits the database's export as a new version the way the admin does after an
    // upgrade (refreshSnapshot)
    const bulk = routes > 20_000;
    const doc = {
      _format_version: "3.0",
      services: [
        {
          name: "bench",
          url: "http://127.0.0.1:9",
          routes: bulk
            ? [{ name: "seed", paths: ["/seed"] }]
            : Array.from({ length: routes }, (_, i) => ({
                name: `r${i}`,
                paths: [`/svc${i}/items`],
              })),
        },
      ],
    };
    const imported = await api("POST", "/api/v1/config/import?mode=sync", doc);
    if (!imported.ok) throw new Error(`import: ${imported.status} ${await imported.text()}`);
    if (bulk) {
      await insertMixedRoutes(cp.require, cp.db.url, routes);
      const pulled = await fetch(`${cp.admin}/api/v1/dataplane/config`, {
        headers: { authorization: `Bearer ${cp.clusterToken}` },
      });
      if (!pulled.ok) throw new Error(`commit of the routes: ${pulled.status}`);
      await pulled.arrayBuffer();
    }
    if (profileDir) {
      // the profiled admin starts after the import: its profile is the changes' (and start-up's)
      adminProc.kill("SIGTERM");
      await until("the admin to stop", async () => adminProc.exitCode !== null, 30_000);
      adminProc = await cp.startAdmin(profileDir);
    }

    const planes = [];
    for (let i = 0; i < 2; i++) planes.push((await cp.startDataPlane(`gateway ${i}`)).control);
    const newest = async () =>
      (await (await api("GET", "/api/v1/config/versions?size=1")).json()).data[0].version;
    const first = await newest();
    // a 100,000-route document takes each data plane seconds to validate and compile
    const applyTimeout = Math.max(120_000, routes * 3);
    await until(
      "both data planes at the first version",
      async () => {
        const s = await Promise.all(planes.map(status));
        return s.every((x) => x.version >= first);
      },
      applyTimeout,
    );

    const committed = [];
    const requested = [];
    for (let i = 0; i < changes; i++) {
      const before = Math.max(...(await Promise.all(planes.map(status))).map((s) => s.version));
      const t0 = performance.now();
      const r = await api("PATCH", `/api/v1/routes/r${i % routes}`, { tags: [`change-${i}`] });
      const t1 = performance.now();
      if (!r.ok) throw new Error(`change ${i}: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
      await until(
        `change ${i} on both data planes`,
        async () => {
          const s = await Promise.all(planes.map(status));
          return s.every((x) => x.version > before);
        },
        applyTimeout,
        5,
      );
      const t2 = performance.now();
      committed.push(t2 - t1);
      requested.push(t2 - t0);
    }
    const details = {
      routes,
      changes,
      data_planes: 2,
      committed_to_applied_ms: { p50: round(pct(committed, 50)), p99: round(pct(committed, 99)) },
      request_to_applied_ms: { p50: round(pct(requested, 50)), p99: round(pct(requested, 99)) },
    };
    if (profileDir) {
      // the admin writes its profile when it exits (SIGTERM: Next's clean shutdown)
      adminProc.kill("SIGTERM");
      await until("the admin's CPU profile", async () => adminProc.exitCode !== null, 60_000);
      details.profile = writeProfile(
        profileDir,
        opts.profile,
        `admin-write-${routesLabel(routes)}`,
      );
    }
    const n = routesLabel(routes);
    return {
      rows: {
        [`push_p99_ms_${n}_routes`]: details.committed_to_applied_ms.p99,
        [`write_p99_ms_${n}_routes`]: details.request_to_applied_ms.p99,
      },
      details,
    };
  } finally {
    await cp.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      routes: { type: "string", default: "10000" },
      changes: { type: "string", default: "15" },
      profile: { type: "boolean", default: false },
      // another checkout's build (e.g. a copy of the code before a change, for a before/after)
      root: { type: "string", default: defaultRoot },
    },
  });
  const result = await benchPush({
    root: resolve(values.root),
    routes: Number(values.routes),
    changes: Number(values.changes),
    profile: values.profile ? join(resolve(values.root), "bench/profiles") : undefined,
  });
  console.log(JSON.stringify(result, null, 2));
}
