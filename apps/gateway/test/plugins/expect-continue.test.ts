// `Expect: 100-continue` as Kong (nginx) answers it: the 100 only when the request goes on to send its body.
import assert from "node:assert/strict";
import net from "node:net";
import { test } from "node:test";
import { echoUpstream, gatewayWith, oneRoute } from "./helpers.js";

/** Sends a head with Expect: 100-continue; the body only after a 100. Resolves with all it received. */
function expectContinue(url: string, head: string, body: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = "";
    let sent = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, 5000);
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (!sent && received.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
        sent = true;
        socket.write(body);
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on("error", reject);
    socket.write(
      `${head}Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    );
  });
}

const consumers = [{ username: "alice", keyauth_credentials: [{ key: "alice-key" }] }];

test("Expect: 100-continue refused by a plugin gets the final status without a 100 Continue first", async (t) => {
  const up = await echoUpstream(t);
  const url = await gatewayWith(t, oneRoute(up.url, [{ name: "key-auth" }], consumers));
  const refused = await expectContinue(url, "POST /api HTTP/1.1\r\nHost: x\r\n", "hello");
  assert.match(refused, /^HTTP\/1\.1 401 /, refused.slice(0, 40));
  assert.doesNotMatch(refused, /100 Continue/);
  assert.equal(up.seen.length, 0);

  const ok = await expectContinue(
    url,
    "POST /api HTTP/1.1\r\nHost: x\r\napikey: alice-key\r\n",
    "hello",
  );
  assert.match(ok, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /, ok.slice(0, 60));
  assert.equal(up.seen[0]?.body, "hello");
});

test("Expect: 100-continue with a body over request-size-limiting: 417 at once, no 100 Continue (Kong)", async (t) => {
  const up = await echoUpstream(t);
  const url = await gatewayWith(
    t,
    oneRoute(up.url, [
      { name: "request-size-limiting", config: { allowed_payload_size: 1, size_unit: "bytes" } },
    ]),
  );
  const refused = await expectContinue(url, "POST /api HTTP/1.1\r\nHost: x\r\n", "too large");
  assert.match(refused, /^HTTP\/1\.1 417 /, refused.slice(0, 40));
  assert.doesNotMatch(refused, /100 Continue/);
});

test("Expect: 100-continue: a plugin reading the body (key_in_body) gets the 100 sent first", async (t) => {
  const up = await echoUpstream(t);
  const url = await gatewayWith(
    t,
    oneRoute(up.url, [{ name: "key-auth", config: { key_in_body: true } }], consumers),
  );
  const ok = await expectContinue(
    url,
    "POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n",
    "apikey=alice-key",
  );
  assert.match(ok, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /, ok.slice(0, 60));
});
