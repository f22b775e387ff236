// The TLS rows of `npm run bench`: Gatehouse's TLS listener against nginx terminating TLS in front
// of the same origin (nginx `return 200`), both with keep-alive and TLS session resumption on
// (nginx: a shared session cache and tickets; Node: session tickets, its default).
// - HTTPS: wrk over HTTP/1.1 + TLS, `connections` keep-alive connections.
// - HTTP/2: h2load with the same number of requests in flight, multiplexed: connections / 4
//   connections x 4 streams each.
// Rounds are interleaved (ABBA) like run.mjs's; ratios are medians of per-round ratios:
// https_vs_nginx_https (Gatehouse HTTPS / nginx HTTPS) and h2_vs_https (Gatehouse h2 / Gatehouse
// HTTPS), with h2_vs_nginx_h2 for reference.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:tls";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  cpuRatioOf,
  freePort,
  nginxConfig,
  parseH2load,
  parseWrk,
  ratioOf,
  runRounds,
  summarize,
} from "./lib.mjs";

/** streams per h2 connection: h2load runs connections / STREAMS connections */
const STREAMS = 4;

/**
 * @param {object} ctx run.mjs's: tools ({ nginx, wrk, h2load }), work dir, launch(name, core, cmd,
 *   args, env), pin(core, cmd, args), origin URL, gateway config (object), gatewayMain, gwEnv,
 *   token, rounds, duration, connections, waitFor(url, headers)
 */
export async function benchTls(ctx) {
  const PORTS = {
    nginxTls: await freePort(),
    gatewayTls: await freePort(),
    gateway: await freePort(),
    gatewayControl: await freePort(),
  };
  const { tools, work, launch, pin, rounds, duration, connections } = ctx;
  // a self-signed certificate for both (the clients do not verify)
  const key = join(work, "tls.key");
  const cert = join(work, "tls.crt");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
      ...["-days", "2", "-keyout", key, "-out", cert, "-subj", "/CN=bench.test"],
      ...["-addext", "subjectAltName=DNS:bench.test,IP:127.0.0.1"],
    ],
    { stdio: "pipe" },
  );
  const pem = { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };

  const conf = join(work, "nginx-tls.conf");
  writeFileSync(
    conf,
    nginxConfig(
      work,
      "nginx-tls",
      `  http2_max_requests 1000000;
  ssl_certificate ${cert};
  ssl_certificate_key ${key};
  ssl_session_cache shared:SSL:10m;
  ssl_session_tickets on;
  upstream origin { server ${new URL(ctx.origin).host}; keepalive 64; }
  server {
    listen 127.0.0.1:${PORTS.nginxTls} ssl http2;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }`,
    ),
  );
  const nginx = launch("nginx tls", 0, tools.nginx, ["-c", conf, "-p", work]);
  const config = { ...structuredClone(ctx.config), certificates: [pem] };
  const file = join(work, "gateway-tls.json");
  writeFileSync(file, JSON.stringify(config));
  const gateway = launch(
    "gatehouse tls",
    0,
    process.execPath,
    [
      ctx.gatewayMain,
      ...["--config", file, "--listen", `127.0.0.1:${PORTS.gateway}`],
      ...["--listen-tls", `127.0.0.1:${PORTS.gatewayTls}`],
      ...["--control", `127.0.0.1:${PORTS.gatewayControl}`],
      ...["--cache-dir", join(work, "cache-tls"), "--log-level", "warn"],
    ],
    ctx.gwEnv,
  );
  await ctx.waitFor(`http://127.0.0.1:${PORTS.gatewayControl}/v1/ready`, {
    authorization: `Bearer ${ctx.token}`,
  });
  await waitTls(PORTS.nginxTls);

  const nginxUrl = `https://127.0.0.1:${PORTS.nginxTls}/proxied`;
  const gatewayUrl = `https://127.0.0.1:${PORTS.gatewayTls}/proxied`;
  const wrk = (url, seconds) => {
    const [cmd, a] = pin(1, tools.wrk, [
      ...["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", url],
    ]);
    return parseWrk(execFileSync(cmd, a, { encoding: "utf8" }));
  };
  const h2load = (url, seconds) => {
    const clients = Math.max(1, Math.floor(connections / STREAMS));
    const [cmd, a] = pin(1, tools.h2load, [
      ...["-t1", `-c${clients}`, `-m${STREAMS}`, `-D${seconds}`, url],
    ]);
    return parseH2load(execFileSync(cmd, a, { encoding: "utf8" }));
  };
  const scenarios = [
    {
      key: "nginx_https",
      label: "nginx TLS, HTTPS keep-alive",
      run: (s) => wrk(nginxUrl, s),
      pid: nginx.pid,
    },
    {
      key: "gateway_https",
      label: "Gatehouse TLS, HTTPS keep-alive",
      run: (s) => wrk(gatewayUrl, s),
      pid: gateway.pid,
    },
    {
      key: "nginx_h2",
      label: `nginx TLS, HTTP/2 (${STREAMS} streams/conn)`,
      run: (s) => h2load(nginxUrl, s),
      pid: nginx.pid,
    },
    {
      key: "gateway_h2",
      label: `Gatehouse TLS, HTTP/2 (${STREAMS} streams/conn)`,
      run: (s) => h2load(gatewayUrl, s),
      pid: gateway.pid,
    },
  ];
  const failures = [];
  for (const s of scenarios) {
    // warm-up (JIT, keep-alive pools); also checks every scenario answers 2xx
    const w = s.run(1);
    if (w.requests === 0 || w.errors > 0)
      throw new Error(`${s.label}: the warm-up saw ${w.errors} errors in ${w.requests} requests`);
  }
  const samples = runRounds(scenarios, { rounds, duration, failures, what: "TLS " });
  // h2load has no percentiles: its rows carry the mean (p50_ms) and the max (p99_ms)
  const summary = summarize(scenarios, samples);
  const pairs = {
    https_vs_nginx_https: ["gateway_https", "nginx_https"],
    h2_vs_https: ["gateway_h2", "gateway_https"],
    h2_vs_nginx_h2: ["gateway_h2", "nginx_h2"],
  };
  const ratios = Object.fromEntries(
    Object.entries(pairs).map(([k, [a, b]]) => [k, ratioOf(samples, a, b)]),
  );
  const cpuRatios = Object.fromEntries(
    Object.entries(pairs).map(([k, [a, b]]) => [k, cpuRatioOf(samples, a, b)]),
  );
  return {
    scenarios,
    summary,
    ratios,
    cpuRatios,
    failures,
    settings: {
      h2_streams_per_connection: STREAMS,
      h2_connections: Math.floor(connections / STREAMS),
    },
  };
}

/** Wait until a TLS port accepts connections. */
async function waitTls(port) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for TLS on port ${port}`);
}
