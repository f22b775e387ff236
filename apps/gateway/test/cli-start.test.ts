import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { once } from "node:events";
import { realpath, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { echoUpstream, send } from "./helpers.js";
import { freePort, run, started, tempDir } from "./helpers/cli.js";

/** CLI args: a DB-less file (service "echo" on route /echo → a real echo upstream), free ports, a temp cache dir. */
async function echoSetup(t: TestContext) {
  const dir = await tempDir(t);
  const up = await echoUpstream(t);
  const file = join(dir, "kong.json");
  await writeFile(
    file,
    JSON.stringify({
      _format_version: "3.0",
      services: [{ name: "echo", url: up, routes: [{ paths: ["/echo"] }] }],
    }),
  );
  const [port, cport] = [await freePort(), await freePort()];
  const args = [
    "--config",
    file,
    "--listen",
    `127.0.0.1:${port}`,
    "--listen-tls",
    "127.0.0.1:0",
    "--control",
    `127.0.0.1:${cport}`,
    "--cache-dir",
    dir,
  ];
  return { port, cport, args, upstreamPort: Number(new URL(up).port) };
}

test("an invalid file is refused at start: non-zero exit, every error as path: reason", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "kong.yaml");
  await writeFile(
    file,
    `_format_version: "3.0"\nservices:\n  - name: a\n    url: http://127.0.0.1:1\n    routes:\n      - paths: [nope]\nplugins:\n  - name: foo\n`,
  );
  const p = run([
    "--config",
    file,
    "--listen",
    "127.0.0.1:0",
    "--listen-tls",
    "127.0.0.1:0",
    "--control",
    "127.0.0.1:0",
    "--cache-dir",
    dir,
  ]);
  const code = await p.exited;
  assert.notEqual(code, 0);
  assert.match(p.err(), /services\[0\]\.routes\[0\]\.paths\[0\]: must start with "\/" or "~"/);
  assert.match(p.err(), /plugins\[0\]\.name: plugin "foo" is not installed on this data plane/);
});

test("a good file is served, and SIGTERM exits 0", async (t) => {
  const { port, cport, args } = await echoSetup(t);
  const p = run([...args, "--log-level", "warn"]);
  t.after(() => p.child.kill("SIGKILL"));
  let ready = 0;
  // the CLI loads every plugin before it listens: allow a slow start on a loaded machine
  for (let i = 0; i < 600 && ready !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await send(`http://127.0.0.1:${cport}/v1/ready`, {
      headers: { authorization: "Bearer cli-token-0123456789" },
    }).then(
      (r) => r.status,
      () => 0,
    );
  }
  assert.equal(ready, 200, p.err());
  const r = await send(`http://127.0.0.1:${port}/echo/x`);
  assert.equal(r.status, 200);
  assert.equal((r.json() as { path: string }).path, "/x");
  p.child.kill("SIGTERM");
  assert.equal(await p.exited, 0);
});

test("--max-connections / GATEHOUSE_MAX_CONNECTIONS_PER_IP: bad values refused naming the option, good ones in /metrics", async (t) => {
  const dir = await tempDir(t);
  const bad = run(["--max-connections", "0", "--cache-dir", dir]);
  assert.equal(await bad.exited, 2);
  assert.match(bad.err(), /--max-connections: must be a positive integer, got "0"/);
  const badEnv = run(["--cache-dir", dir], { GATEHOUSE_MAX_CONNECTIONS_PER_IP: "-1" });
  assert.equal(await badEnv.exited, 2);
  assert.match(badEnv.err(), /GATEHOUSE_MAX_CONNECTIONS_PER_IP: must be a non-negative integer/);

  const [port, cport] = [await freePort(), await freePort()];
  const p = run(
    [
      "--listen",
      `127.0.0.1:${port}`,
      "--listen-tls",
      "127.0.0.1:0",
      "--control",
      `127.0.0.1:${cport}`,
      "--cache-dir",
      dir,
      "--max-connections",
      "7",
    ],
    { GATEHOUSE_MAX_CONNECTIONS_PER_IP: "3" },
  );
  t.after(() => p.child.kill("SIGKILL"));
  await started(p);
  const m = await send(`http://127.0.0.1:${cport}/metrics`, {
    headers: { authorization: "Bearer cli-token-0123456789" },
  });
  assert.match(m.text, /^gatehouse_connections_limit\{limit="max_connections"\} 7$/m);
  assert.match(m.text, /^gatehouse_connections_limit\{limit="max_connections_per_ip"\} 3$/m);
  p.child.kill("SIGTERM");
  assert.equal(await p.exited, 0);
});

test("a DB-less file merging two services onto one upstream is refused at start (issue 9)", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "kong.yaml");
  // svc-b's targets under an upstream named after the host svc-a shares (the old admin export)
  await writeFile(
    file,
    [
      '_format_version: "3.0"',
      "services:",
      "  - { name: svc-a, url: http://127.0.0.1:8102, routes: [{ paths: [/a] }] }",
      "  - { name: svc-b, host: 127.0.0.1, port: 8199, routes: [{ paths: [/b] }] }",
      "upstreams:",
      '  - { name: 127.0.0.1, targets: [{ target: "127.0.0.1:8199" }] }',
      "",
    ].join("\n"),
  );
  const p = run([
    "--config",
    file,
    "--listen",
    "127.0.0.1:0",
    "--listen-tls",
    "127.0.0.1:0",
    "--control",
    "127.0.0.1:0",
    "--cache-dir",
    dir,
  ]);
  assert.equal(await p.exited, 1, p.err());
  assert.ok(
    p
      .err()
      .includes(
        'services[1].host: names upstream "127.0.0.1" as services[0] does, but with port 8199 ' +
          "instead of 8102: that upstream's targets would serve both services",
      ),
    p.err(),
  );
});

test("descriptor exhaustion (ulimit -n 256, 300 half-open clients from one address): normal traffic from another address is served", async (t) => {
  const { port, cport, args } = await echoSetup(t);
  const p = run(args, {}, 256);
  t.after(() => p.child.kill("SIGKILL"));
  await started(p);
  const metrics = async () =>
    (
      await send(`http://127.0.0.1:${cport}/metrics`, {
        headers: { authorization: "Bearer cli-token-0123456789" },
      })
    ).text;
  // defaults from the open-files limit: 128 connections, 32 per address
  assert.match(await metrics(), /^gatehouse_connections_limit\{limit="max_connections"\} 128$/m);
  assert.match(
    await metrics(),
    /^gatehouse_connections_limit\{limit="max_connections_per_ip"\} 32$/m,
  );

  const attackers = await Promise.all(
    Array.from({ length: 300 }, async () => {
      const s = connect({ port, host: "127.0.0.1", localAddress: "127.0.0.2" });
      s.on("error", () => {});
      await once(s, "connect");
      s.write("GET /echo HT"); // and never more
      return s;
    }),
  );
  t.after(() => attackers.forEach((s) => s.destroy()));
  // the refused ones are closed by the gateway: wait for exactly those
  let closed = 0;
  await new Promise<void>((resolve) => {
    for (const s of attackers)
      s.once("close", () => {
        if (++closed === 300 - 32) resolve();
      });
  });
  for (let i = 0; i < 20; i++) {
    const r = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `http://127.0.0.1:${port}/echo`,
        { agent: false, localAddress: "127.0.0.3" },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end();
    });
    assert.equal(r, 200);
  }
  const text = await metrics();
  assert.match(
    text,
    /^gatehouse_connections_refused_total\{reason="max_connections_per_ip"\} 268$/m,
  );
  assert.equal(attackers.filter((s) => !s.destroyed).length, 32);
  attackers.forEach((s) => s.destroy()); // else shutdown gives their unfinished requests --shutdown-grace
  p.child.kill("SIGTERM");
  assert.equal(await p.exited, 0);
});

test("DB-less --upstream-deny: a bad rule is refused naming the option; a good one is enforced", async (t) => {
  const bad = run([
    "--upstream-deny",
    "10.0.0.0/8,nope",
    "--listen",
    "127.0.0.1:0",
    "--listen-tls",
    "127.0.0.1:0",
  ]);
  assert.equal(await bad.exited, 2);
  assert.match(
    bad.err(),
    /--upstream-deny: "nope" is not an IP address or CIDR \(e\.g\. 169\.254\.0\.0\/16, fe80::\/10\)/,
  );
  const { port, args, upstreamPort } = await echoSetup(t);
  const p = run([...args, "--upstream-deny", `127.0.0.1:${upstreamPort}`]);
  t.after(() => p.child.kill("SIGKILL"));
  await started(p);
  const r = await send(`http://127.0.0.1:${port}/echo`);
  assert.equal(r.status, 502);
  // the rule and the address are only logged
  while (!p.out().includes("GH_UPSTREAM_DENIED")) await once(p.child.stdout, "data");
  assert.match(p.out(), /upstream address 127\.0\.0\.1:\d+ is denied by the rule 127\.0\.0\.1:\d+/);
});

test("DB-less file-log outside --file-log-dir is refused at start naming config.path (issue 9)", async (t) => {
  const dir = await realpath(await tempDir(t));
  const file = join(dir, "kong.json");
  await writeFile(
    file,
    JSON.stringify({
      _format_version: "3.0",
      plugins: [{ name: "file-log", config: { path: "/etc/gatehouse-escape.log" } }],
    }),
  );
  const p = run([
    "--config",
    file,
    "--file-log-dir",
    join(dir, "logs"),
    "--listen",
    "127.0.0.1:0",
    "--listen-tls",
    "127.0.0.1:0",
  ]);
  assert.equal(await p.exited, 1);
  assert.match(
    p.err(),
    new RegExp(
      `plugins\\[0\\]\\.config\\.path: is outside the data plane's log directories \\(${dir}/logs; --file-log-dir\\)`,
    ),
  );
  await assert.rejects(stat("/etc/gatehouse-escape.log"), { code: "ENOENT" });
});

test("--tracing-sampling-rate / GATEHOUSE_TRACING_SAMPLING_RATE: a number from 0 to 1, else refused naming the option", async (t) => {
  const dir = await tempDir(t);
  for (const [args, env, name, value] of [
    [["--tracing-sampling-rate", "2"], {}, "--tracing-sampling-rate", "2"],
    [[], { GATEHOUSE_TRACING_SAMPLING_RATE: "often" }, "GATEHOUSE_TRACING_SAMPLING_RATE", "often"],
  ] as const) {
    const p = run(["--cache-dir", dir, ...args], env);
    assert.equal(await p.exited, 2, p.err());
    assert.match(p.err(), new RegExp(`${name}: must be a number from 0 to 1, got "${value}"`));
  }
});
