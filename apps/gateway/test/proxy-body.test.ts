import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { spec, startGateway, startUpstream } from "./helpers/proxy-harness.js";

const MB = 1024 * 1024;

test("a 50 MB request body streams through: the upstream receives it while the client still sends", async (t) => {
  let upstreamBytes = 0;
  const up = await startUpstream((req, res) => {
    req.on("data", (c: Buffer) => (upstreamBytes += c.length));
    req.on("end", () => res.end(String(upstreamBytes)));
  });
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const total = 50 * MB;
  const chunk = Buffer.alloc(64 * 1024, "s");
  let receivedBeforeLastWrite = 0;
  const reply = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      `${gw.url}/upload`,
      { method: "POST", headers: { "content-length": total } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(text));
      },
    );
    req.on("error", reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        if (sent + chunk.length === total) receivedBeforeLastWrite = upstreamBytes;
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
  assert.equal(reply, String(total));
  assert.ok(
    receivedBeforeLastWrite > 10 * MB,
    `upstream had ${receivedBeforeLastWrite} bytes before the client's last write (a buffering proxy gives 0)`,
  );
});

test("a body handed back by a plugin is sent with a correct Content-Length", async (t) => {
  const up = await startUpstream((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () =>
      res.end(
        JSON.stringify({
          cl: req.headers["content-length"],
          te: req.headers["transfer-encoding"] ?? null,
          body,
        }),
      ),
    );
  });
  const gw = await startGateway(spec([up.port]), {
    out: (_req, out) => ({ ...out, body: Buffer.from("replaced body!!") }),
  });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const seen = await new Promise<string>((resolve, reject) => {
    const req = http.request(gw.url, { method: "POST" }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
    req.write("original ");
    req.end("chunked body"); // no content-length: chunked
  });
  assert.deepEqual(JSON.parse(seen), { cl: "15", te: null, body: "replaced body!!" });
});

test("a request without a body is forwarded without one", async (t) => {
  const up = await startUpstream((req, res) =>
    res.end(
      JSON.stringify([
        req.headers["content-length"] ?? null,
        req.headers["transfer-encoding"] ?? null,
      ]),
    ),
  );
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  assert.equal(await (await fetch(gw.url)).text(), "[null,null]");
});

test("an upstream answering before reading the body: the answer is relayed, the client connection closed", async (t) => {
  const up = await startUpstream((_req, res) => {
    res.writeHead(413, { "content-type": "text/plain" });
    res.end("too large");
  });
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const agent = new http.Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(
      gw.url,
      { method: "POST", agent, headers: { "content-length": 8 * MB } },
      resolve,
    );
    req.on("error", reject);
    req.write(Buffer.alloc(MB, "e")); // the rest never comes
  });
  let text = "";
  for await (const chunk of res) text += String(chunk);
  assert.equal(res.statusCode, 413);
  assert.equal(text, "too large");
  assert.equal(res.headers.connection, "close");
});
