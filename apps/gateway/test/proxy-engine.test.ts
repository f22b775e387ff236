import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import net from "node:net";
import { test } from "node:test";
import { engine } from "../src/proxy/engine.js";
import { closedPort, spec, startGateway, startUpstream } from "./helpers/proxy-harness.js";

test("every attempt is one http-proxy proxy.web call, with only the stream pass", async (t) => {
  const good = await startUpstream((_req, res) => res.end("good"));
  const refused = [await closedPort(), await closedPort(), await closedPort()];
  let client: IncomingMessage | undefined;
  const gw = await startGateway(spec([...refused, good.port], { retries: 3 }), {
    out: (req, out) => ((client = req), out),
  });
  let starts = 0;
  const onStart = (): void => void starts++;
  engine.on("start", onStart);
  t.after(() => {
    engine.off("start", onStart);
    return Promise.all([gw.close(), good.close()]);
  });

  const res = await fetch(gw.url, { method: "PUT", body: "payload" });
  assert.equal(await res.text(), "good");
  assert.equal(starts, 4, "3 refused attempts + the good one");
  const passes = (engine as unknown as { webPasses: Array<{ name: string }> }).webPasses;
  assert.deepEqual(
    passes.map((p) => p.name),
    ["stream"],
  );
  // http-proxy adds an 'error' and an 'aborted' listener per call: the failed attempts' are gone
  const own = client?.listeners("error").filter((fn) => fn.name === "proxyError") ?? [];
  assert.equal(own.length, 1);
});

test("Expect: 100-continue with a path urlJoin would change still reaches the upstream verbatim", async (t) => {
  const path = "/a//b/http:/x?q=http://y";
  const up = await startUpstream((req, res) => {
    req.resume();
    req.on("end", () => res.end(JSON.stringify({ url: req.url })));
  });
  const gw = await startGateway(spec([up.port]), { out: (_req, out) => ({ ...out, path }) });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(gw.port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (received === "HTTP/1.1 100 Continue\r\n\r\n") socket.write("hello");
    });
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
    socket.write(
      "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
    );
  });
  assert.match(text, /HTTP\/1\.1 200/);
  assert.equal((JSON.parse(text.slice(text.indexOf("{"))) as { url: string }).url, path);
});
