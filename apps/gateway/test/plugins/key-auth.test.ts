// key-auth through a real gateway: what Kong clients rely on for key_in_body and hide_credentials.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { send } from "../helpers.js";
import type { Seen } from "./helpers.js";
import { echoUpstream, gatewayWith, oneRoute } from "./helpers.js";

const consumers = [{ username: "alice", keyauth_credentials: [{ key: "alice-key" }] }];
const BOUNDARY = "----GatehouseFormBoundaryq1w2e3";
const part = (name: string, value: string, filename?: string) =>
  filename
    ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${value}\r\n`
    : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const end = `--${BOUNDARY}--\r\n`;

async function keyAuthGateway(t: TestContext, config: Record<string, unknown>): Promise<string> {
  const up = await echoUpstream(t);
  return gatewayWith(t, oneRoute(up.url, [{ name: "key-auth", config }], consumers));
}

test("key_in_body: an API key in a multipart/form-data body authenticates; hide_credentials takes out only its part", async (t) => {
  const url = await keyAuthGateway(t, { key_in_body: true, hide_credentials: true });
  const headers = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };
  const file = "\u0000binary\r\ncontent\u00ff";
  const body =
    part("title", "hello") + part("apikey", "alice-key") + part("upload", file, "a.bin") + end;
  const ok = await send(`${url}/api`, { method: "POST", headers, body });
  assert.equal(ok.status, 200);
  const seen = ok.json() as Seen;
  assert.equal(seen.headers["x-consumer-username"], "alice");
  assert.equal(seen.body, part("title", "hello") + part("upload", file, "a.bin") + end);
  assert.equal(seen.headers["content-length"], String(Buffer.byteLength(seen.body)));

  const wrong = await send(`${url}/api`, {
    method: "POST",
    headers,
    body: part("apikey", "nope") + end,
  });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.json(), { message: "Unauthorized" });
  const none = await send(`${url}/api`, { method: "POST", headers, body: part("x", "1") + end });
  assert.deepEqual(none.json(), { message: "No API key found in request" });
});

test("hide_credentials: the key leaves the query string, the other parameters keep their order and encoding", async (t) => {
  const url = await keyAuthGateway(t, { hide_credentials: true });
  const r = await send(`${url}/api?zeta=1&alpha=a%2Fb+c&apikey=alice-key&flag&alpha=2`);
  assert.equal(r.status, 200);
  assert.equal((r.json() as Seen).url, "/?zeta=1&alpha=a%2Fb+c&flag&alpha=2");
});

test("hide_credentials with key_in_body: the key leaves a urlencoded body, the rest byte for byte", async (t) => {
  const url = await keyAuthGateway(t, { key_in_body: true, hide_credentials: true });
  const r = await send(`${url}/api`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "b=%7E1&apikey=alice-key&a=x+y",
  });
  assert.equal(r.status, 200);
  assert.equal((r.json() as Seen).body, "b=%7E1&a=x+y");
});
