// Memory soak (part of `npm run bench`, or alone: `node bench/soak.mjs [--pushes N]`): the built
// admin (`next start`) and one gateway registered with it, a 1,500-route config, keep-alive traffic
// through the gateway the whole time, and a config change through the REST API every 2 s, each
// waited for until the data plane runs it. Reports how much the resident memory (RSS) of each
// process grew after the warm-up, `soak_rss_growth_mb`: the rise of its floor (lowest RSS of the
// second half of the pushes minus the lowest of the first half), about 0 when nothing accumulates
// per config version.
// GATEHOUSE_SOAK_HEAPSNAPSHOTS=DIR also writes a heap snapshot of both processes after the warm-up
// and at the end (node --heapsnapshot-signal), to compare in Chrome DevTools.
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "./lib.mjs";
import { openControlPlane, until } from "./stack.mjs";

const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const round = (x) => Math.round(x * 10) / 10;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** resident set size (MB) of `pid` and every process below it (Linux /proc), null when gone */
function treeRssMb(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let kb = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop();
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {
      if (p === pid) return null;
    }
    stack.push(...(children.get(p) ?? []));
  }
  return kb / 1024;
}

/**
 * @param {{ root?: string, routes?: number, pushes?: number, warmup?: number, intervalMs?: number, log?: (line: string) => void }} [opts]
 * @returns {Promise<null | { soak_rss_growth_mb: { gateway: number, admin: number }, details: object }>} null when skipped
 */
export async function benchSoak(opts = {}) {
  const root = opts.root ?? defaultRoot;
  const routes = opts.routes ?? 1500;
  const pushes = opts.pushes ?? 60;
  const warmup = opts.warmup ?? 15;
  const intervalMs = opts.intervalMs ?? 2000;
  const log = opts.log ?? ((line) => console.log(line));
  const snapshots = process.env.GATEHOUSE_SOAK_HEAPSNAPSHOTS || null;
  const nodeOptions = snapshots
    ? `${process.env.NODE_OPTIONS ?? ""} --heapsnapshot-signal=SIGUSR2`
    : process.env.NODE_OPTIONS;
  const cp = await openControlPlane({
    root,
    label: "soak",
    log,
    cwd: snapshots ?? undefined,
    nodeOptions,
  });
  if (cp === null) return null;
  const { api } = cp;
  const origin = createServer((req, res) => {
    req.resume();
    res.end("ok\n");
  });
  await new Promise((r) => origin.listen(0, "127.0.0.1", r));
  let traffic = false;
  const stop = async () => {
    traffic = false;
    await cp.stop();
    origin.closeAllConnections();
    origin.close();
  };
  try {
    const proxyPort = await freePort();
    const adminProc = await cp.startAdmin();
    const doc = {
      _format_version: "3.0",
      services: [
        {
          name: "soak",
          url: `http://127.0.0.1:${origin.address().port}`,
          routes: Array.from({ length: routes }, (_, i) => ({
            name: `r${i}`,
            paths: [`/svc${i}/items`],
          })),
          plugins: [{ name: "response-transformer", config: { add: { headers: ["x-soak:1"] } } }],
        },
      ],
    };
    const imported = await api("POST", "/api/v1/config/import?mode=sync", doc);
    if (!imported.ok) throw new Error(`soak: import: ${imported.status} ${await imported.text()}`);

    const { proc: gatewayProc, control } = await cp.startDataPlane(
      "gateway",
      `127.0.0.1:${proxyPort}`,
    );
    const status = () => cp.status(control);
    await until(
      "the data plane at the imported version",
      async () => (await status()).version >= 1,
    );

    // keep-alive traffic on 8 connections over the whole run
    traffic = true;
    const answers = { ok: 0, failed: 0, errors: {} };
    const failed = (why) => {
      answers.failed++;
      answers.errors[why] = (answers.errors[why] ?? 0) + 1;
    };
    const loops = Array.from({ length: 8 }, async (_, k) => {
      for (let i = k; traffic; i += 8) {
        try {
          const res = await fetch(`http://127.0.0.1:${proxyPort}/svc${i % routes}/items`);
          await res.arrayBuffer();
          if (res.status === 200) answers.ok++;
          else failed(`HTTP ${res.status}`);
        } catch (err) {
          failed(err.cause?.code ?? err.message);
        }
      }
    });

    const snapshot = async (label) => {
      if (!snapshots) return;
      for (const c of [adminProc, gatewayProc]) {
        const files = () =>
          readdirSync(snapshots).filter(
            (f) => f.includes(`.${c.pid}.`) && f.endsWith(".heapsnapshot"),
          );
        const before = files().length;
        process.kill(c.pid, "SIGUSR2");
        // the process is paused while it writes; its file is complete once it answers again
        await until(`a heap snapshot of ${c.pid}`, () => files().length > before, 120_000, 200);
        await until(
          `${c.pid} after its heap snapshot`,
          async () =>
            (
              await fetch(c === adminProc ? `${cp.admin}/api/health` : `${control}/v1/ready`, {
                headers: { authorization: `Bearer ${cp.clusterToken}` },
              })
            ).ok,
          120_000,
          200,
        );
      }
      log(`soak: heap snapshots (${label}) written to ${snapshots}`);
    };
    const samples = { gateway: [], admin: [] };
    const started = performance.now();
    for (let i = 0; i < warmup + pushes; i++) {
      if (i === warmup) await snapshot("after warm-up");
      const t0 = performance.now();
      const before = (await status()).version;
      const r = await api("PATCH", `/api/v1/routes/r${i % routes}`, { tags: [`soak-${i}`] });
      if (!r.ok) throw new Error(`soak: change ${i}: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
      await until(
        `change ${i} on the data plane`,
        async () => (await status()).version > before,
        30_000,
        10,
      );
      samples.gateway.push(treeRssMb(gatewayProc.pid));
      samples.admin.push(treeRssMb(adminProc.pid));
      await sleep(Math.max(0, intervalMs - (performance.now() - t0)));
    }
    await snapshot("at the end");
    traffic = false;
    await Promise.all(loops);
    // V8 lets the heap grow between full collections and then gives memory back, so RSS is a
    // sawtooth; a leak shows as a rising floor: lowest RSS of the second half of the measured
    // pushes minus the lowest of the first half
    const growth = (xs) => {
      const measured = xs.slice(warmup);
      const half = Math.floor(measured.length / 2);
      return round(Math.min(...measured.slice(half)) - Math.min(...measured.slice(0, half)));
    };
    const soak_rss_growth_mb = { gateway: growth(samples.gateway), admin: growth(samples.admin) };
    const details = {
      routes,
      warmup_pushes: warmup,
      pushes,
      interval_ms: intervalMs,
      seconds: round((performance.now() - started) / 1000),
      requests: answers,
      rss_mb: Object.fromEntries(
        Object.entries(samples).map(([k, xs]) => [
          k,
          {
            start: round(xs[0]),
            after_warmup: round(median(xs.slice(warmup, warmup + 5))),
            end: round(median(xs.slice(-5))),
          },
        ]),
      ),
      samples_mb: Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, xs.map(round)])),
    };
    if (answers.failed > 0) {
      throw new Error(
        `soak: ${answers.failed} requests failed during the soak: ${JSON.stringify(answers.errors)}`,
      );
    }
    return { soak_rss_growth_mb, details };
  } finally {
    await stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      pushes: { type: "string", default: "60" },
      warmup: { type: "string", default: "15" },
    },
  });
  const result = await benchSoak({ pushes: Number(values.pushes), warmup: Number(values.warmup) });
  console.log(JSON.stringify(result, null, 2));
}
