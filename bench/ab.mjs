// `node bench/ab.mjs OLD_MAIN NEW_MAIN`: two builds of the gateway (e.g. a worktree of an older
// commit and this one: apps/gateway/dist/main.js of each) side by side on one config (a proxied
// route, request-termination, key-auth + rate-limiting + response-transformer) in front of an nginx
// origin, wrk rounds interleaved ABBA. The figure is CPU time per request read from /proc, which
// other load on the machine moves least; prints old/new per round and the median (> 1: new is
// cheaper). ROUNDS (default 8) and DURATION (seconds, default 3) in the environment.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchConfig, cpuSeconds, freePort, median, nginxConfig } from "./lib.mjs";

const [oldMain, newMain] = process.argv.slice(2);
if (!oldMain || !newMain) {
  console.error("usage: node bench/ab.mjs OLD_MAIN NEW_MAIN");
  process.exit(2);
}
const rounds = Number(process.env.ROUNDS || 8);
const duration = Number(process.env.DURATION || 3);

/** Whether a gateway build's `--help` lists the option. */
const hasOption = (main, option) =>
  execFileSync(process.execPath, [main, "--help"], { encoding: "utf8" }).includes(option);
const work = mkdtempSync(join(tmpdir(), "gatehouse-ab-"));
const originPort = await freePort();
writeFileSync(
  join(work, "nginx.conf"),
  nginxConfig(
    work,
    "nginx",
    `  server { listen 127.0.0.1:${originPort}; location / { return 200 "ok\\n"; } }`,
  ),
);
const origin = `http://127.0.0.1:${originPort}`;
const config = benchConfig(origin);
writeFileSync(join(work, "config.json"), JSON.stringify(config));

const children = [];
const stop = () => {
  for (const c of children) c.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
};
process.on("SIGINT", () => (stop(), process.exit(130)));
process.on("SIGTERM", () => (stop(), process.exit(143)));

children.push(
  spawn("taskset", ["-c", "1", "nginx", "-c", join(work, "nginx.conf"), "-p", work], {
    stdio: "inherit",
  }),
);
const env = {
  ...process.env,
  GATEHOUSE_CLUSTER_TOKEN: "ab-cluster-token-0123456789",
  NODE_ENV: "production",
};
const gateways = {};
for (const [name, main] of [
  ["old", oldMain],
  ["new", newMain],
]) {
  const port = await freePort();
  const control = await freePort();
  const child = spawn(
    "taskset",
    [
      "-c",
      "0",
      process.execPath,
      main,
      "--config",
      join(work, "config.json"),
      "--listen",
      `127.0.0.1:${port}`,
      "--control",
      `127.0.0.1:${control}`,
      "--cache-dir",
      join(work, `cache-${name}`),
      "--log-level",
      "warn",
      // builds with the TLS listener open it on 8443 by default: a free port instead (older builds
      // have no such option)
      ...(hasOption(main, "--listen-tls") ? ["--listen-tls", "127.0.0.1:0"] : []),
    ],
    { env, stdio: "inherit" },
  );
  children.push(child);
  gateways[name] = { port, pid: child.pid };
}

async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url}`);
}

try {
  await waitFor(`${origin}/`);
  for (const g of Object.values(gateways)) await waitFor(`http://127.0.0.1:${g.port}/terminated`);
  /** CPU µs per request of one wrk run against one gateway */
  const measure = (g, path, header) => {
    const before = cpuSeconds(g.pid) ?? 0;
    const out = execFileSync("taskset", [
      "-c",
      "1",
      "wrk",
      "-t1",
      "-c32",
      `-d${duration}s`,
      ...(header ? ["-H", header] : []),
      `http://127.0.0.1:${g.port}${path}`,
    ]).toString();
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
    return (((cpuSeconds(g.pid) ?? 0) - before) * 1e6) / Math.max(1, requests);
  };
  const scenarios = {
    terminated: ["/terminated"],
    proxied: ["/proxied"],
    chain: ["/chain", "apikey: bench-key"],
  };
  const ratios = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, [path, header]] of Object.entries(scenarios)) {
      const order = r % 2 ? ["new", "old"] : ["old", "new"];
      const us = {};
      for (const which of order) us[which] = measure(gateways[which], path, header);
      (ratios[name] ??= []).push(us.old / us.new);
      console.log(
        `round ${r + 1} ${name}: old ${us.old.toFixed(1)} µs, new ${us.new.toFixed(1)} µs, old/new ${(us.old / us.new).toFixed(3)}`,
      );
    }
  }
  for (const [name, a] of Object.entries(ratios)) {
    console.log(
      `${name}: old/new CPU per request, median ${median(a).toFixed(3)} (min ${Math.min(...a).toFixed(3)}, max ${Math.max(...a).toFixed(3)})`,
    );
  }
} finally {
  stop();
}
