// Helpers shared by the benchmark's modules (run.mjs, tls.mjs): load-tool output parsing, the CPU
// time of a process, medians and rounding.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg } from "node:os";

/** A TCP port free on 127.0.0.1 right now (the benchmark never assumes fixed ports). */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** user + system CPU seconds of a process (Linux /proc), null when unavailable */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in USER_HZ (100)
  } catch {
    return null;
  }
}

export function round(x) {
  return Math.round(x * 1000) / 1000;
}

export function median(xs) {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

function toMs(value, unit) {
  const n = Number(value);
  switch (unit) {
    case "us":
      return n / 1000;
    case "ms":
      return n;
    case "s":
      return n * 1000;
    default:
      return n / 60_000;
  }
}

/** wrk's summary: requests/s, p50/p99 latency (ms), requests, socket errors + non-2xx answers */
export function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const lat = (pct) => {
    const m = new RegExp(`\\s${pct}%\\s+([\\d.]+)(us|ms|s|m)`).exec(out);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    out,
  );
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors =
    non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`could not parse wrk output:\n${out}`);
  return { rps, requests, p50: lat(50), p99: lat(99), errors };
}

/**
 * h2load's summary: requests/s, requests done, failed/errored/timed-out + non-2xx answers, and the
 * mean request time (ms) as `p50` (h2load reports min/max/mean/sd, no percentiles; `p99` is its
 * max, an upper bound).
 */
export function parseH2load(out) {
  const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out)?.[1]);
  const req =
    /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      out,
    );
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  const time = /time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)/.exec(
    out,
  );
  if (!Number.isFinite(rps) || !req) throw new Error(`could not parse h2load output:\n${out}`);
  const errors =
    Number(req[5]) +
    Number(req[6]) +
    Number(req[7]) +
    (codes ? Number(codes[2]) + Number(codes[3]) + Number(codes[4]) : 0);
  return {
    rps,
    requests: Number(req[3]),
    p50: time ? toMs(time[5], time[6]) : NaN,
    p99: time ? toMs(time[3], time[4]) : NaN,
    errors,
  };
}

/**
 * Run the scenarios `rounds` times in ABBA order (even rounds reversed, so no scenario always
 * follows the same one); each sample gets the CPU time its proxy process (`pid`) spent per request.
 * `s.run(seconds)` returns a parsed sample. Errors are collected in `failures` and printed.
 */
export function runRounds(scenarios, { rounds, duration, failures, what = "" }) {
  const samples = Object.fromEntries(scenarios.map((s) => [s.key, []]));
  for (let r = 1; r <= rounds; r++) {
    for (const s of r % 2 === 1 ? scenarios : [...scenarios].reverse()) {
      const cpu0 = cpuSeconds(s.pid);
      const sample = s.run(duration);
      const cpu1 = cpuSeconds(s.pid);
      sample.cpuUsPerReq =
        cpu0 === null || cpu1 === null ? NaN : ((cpu1 - cpu0) * 1e6) / sample.requests;
      if (sample.errors > 0) {
        failures.push(
          `${s.label}: ${sample.errors} socket errors / non-2xx responses in round ${r}`,
        );
        console.error(failures.at(-1));
      }
      samples[s.key].push(sample);
    }
    console.log(`${what}round ${r}/${rounds} done (load average ${loadavg()[0].toFixed(1)})`);
  }
  return samples;
}

/** Per scenario: medians of rps, p50, p99 and CPU µs per request, and every round's figures. */
export function summarize(scenarios, samples) {
  return Object.fromEntries(
    scenarios.map((s) => [
      s.key,
      {
        label: s.label,
        rps: median(samples[s.key].map((x) => x.rps)),
        p50_ms: median(samples[s.key].map((x) => x.p50)),
        p99_ms: median(samples[s.key].map((x) => x.p99)),
        cpu_us_per_req: round(median(samples[s.key].map((x) => x.cpuUsPerReq))),
        rounds: samples[s.key].map((x) => ({
          rps: round(x.rps),
          cpu_us_per_req: round(x.cpuUsPerReq),
          errors: x.errors,
        })),
      },
    ]),
  );
}

// Each ratio is the median of the per-round ratios: the scenarios of one round ran back to back,
// so a shared, noisy machine skews both sides of a round's ratio alike.
export const ratioOf = (samples, a, b) =>
  round(median(samples[a].map((x, i) => x.rps / (samples[b][i]?.rps ?? NaN))));
// The same comparison by CPU time the proxy process spent per request (lower cost = higher
// ratio): steadier than rps when other work competes for the cores. Informational.
export const cpuRatioOf = (samples, a, b) =>
  round(median(samples[b].map((x, i) => x.cpuUsPerReq / (samples[a][i]?.cpuUsPerReq ?? NaN))));

/** The spread of a ratio across rounds: [min, max] of the per-round rps ratios (the noise). */
export const ratioRangeOf = (samples, a, b) => {
  const rs = samples[a].map((x, i) => x.rps / (samples[b][i]?.rps ?? NaN));
  return [round(Math.min(...rs)), round(Math.max(...rs))];
};

/** One table row: label, rps, p50, p99, CPU µs per request. */
export function tableRow(x) {
  return `${x.label.padEnd(42)} ${x.rps.toFixed(0).padStart(9)} ${x.p50_ms.toFixed(2).padStart(8)} ${x.p99_ms.toFixed(2).padStart(8)} ${x.cpu_us_per_req.toFixed(1).padStart(11)}`;
}

/**
 * The small Gatehouse config every benchmark starts from, forwarding to `origin`: `/proxied` (0
 * plugins), `/chain` (issue 4's chain: key-auth + rate-limiting, never reached + a header
 * transformer, with the consumer `bench` and key `bench-key`) and `/terminated` (request-termination).
 */
export function benchConfig(origin) {
  return {
    _format_version: "3.0",
    services: [
      {
        name: "origin",
        url: origin,
        routes: [
          { name: "proxied", paths: ["/proxied"] },
          {
            name: "chain",
            paths: ["/chain"],
            plugins: [
              { name: "key-auth", config: { key_names: ["apikey"] } },
              { name: "rate-limiting", config: { second: 1000000000, policy: "local" } },
              { name: "response-transformer", config: { add: { headers: ["x-bench:1"] } } },
            ],
          },
        ],
      },
    ],
    consumers: [{ username: "bench", keyauth_credentials: [{ key: "bench-key" }] }],
    routes: [
      {
        name: "terminated",
        paths: ["/terminated"],
        plugins: [{ name: "request-termination", config: { status_code: 200, message: "ok" } }],
      },
    ],
  };
}

/**
 * An nginx configuration for the benchmark (foreground, one worker, files in `work` under `name`,
 * no access log, keep-alive for the whole run) with `http` inside its http block.
 */
export function nginxConfig(work, name, http) {
  return `daemon off;
master_process off;
worker_processes 1;
user root;
pid ${work}/${name}.pid;
error_log ${work}/${name}-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${work}/${name}-body;
  proxy_temp_path ${work}/${name}-proxy;
  fastcgi_temp_path ${work}/${name}-fastcgi;
  uwsgi_temp_path ${work}/${name}-uwsgi;
  scgi_temp_path ${work}/${name}-scgi;
  keepalive_requests 1000000;
${http}
}
`;
}

/**
 * wrk with `connections` keep-alive connections, pinned to `core` (run.mjs's pin(core, cmd, args)):
 * `(url, seconds, headers?)` returns the parsed sample.
 */
export function wrkRunner({ wrk }, pin, connections, core = 1) {
  return (url, seconds, headers = {}) => {
    const [cmd, a] = pin(core, wrk, [
      ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      "--latency",
      url,
    ]);
    return parseWrk(execFileSync(cmd, a, { encoding: "utf8" }));
  };
}

/** Checks that each scenario's URL answers 200, warms it up (1 s of load) and sets its `run`. */
export async function prepareScenarios(scenarios, wrk) {
  for (const s of scenarios) {
    const res = await fetch(s.url, { headers: s.headers });
    const body = await res.text();
    if (res.status !== 200)
      throw new Error(
        `${s.label}: expected 200 from ${s.url}, got ${res.status}: ${body.slice(0, 200)}`,
      );
    wrk(s.url, 1, s.headers); // warm-up (JIT, keep-alive pools)
    s.run = (seconds) => wrk(s.url, seconds, s.headers);
  }
}

/**
 * `count` routes shaped like real configs (the big config of run.mjs and routes.mjs, the router cases
 * of micro.mjs): `/svcN/vK/items` prefixes, every 10th with a host `hN.example.test`, every 50th a
 * regex path `~/reN/(?<id>\d+)$` (so every regex route has a host too).
 */
export function mixedRoutes(count) {
  const routes = [];
  for (let i = 0; i < count; i++) {
    const r = { name: `r${i}`, paths: [`/svc${i}/v${i % 7}/items`] };
    if (i % 10 === 0) r.hosts = [`h${i}.example.test`];
    if (i % 50 === 0) r.paths = [`~/re${i}/(?<id>\\d+)$`];
    routes.push(r);
  }
  return routes;
}
