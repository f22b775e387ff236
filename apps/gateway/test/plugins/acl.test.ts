import assert from "node:assert/strict";
import { test } from "node:test";
import type { Echo } from "./helpers.js";
import { call, echoUpstream, gatewayWith, oneRoute } from "./helpers.js";

const consumers = [
  {
    username: "alice",
    keyauth_credentials: [{ key: "alice-key" }],
    basicauth_credentials: [{ username: "alice", password: "pw-a" }],
    acls: [{ group: "admins" }, { group: "ops" }],
  },
  {
    username: "bob",
    keyauth_credentials: [{ key: "bob-key" }],
    basicauth_credentials: [{ username: "bob", password: "pw-b" }],
    acls: [{ group: "users" }],
  },
];
const basic = (user: string, pw: string) =>
  `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`;

test("acl after key-auth through a gateway: allowed group reaches the upstream, others get 403", async (t) => {
  const up = (await echoUpstream(t)).url;
  const url = await gatewayWith(
    t,
    oneRoute(up, [{ name: "key-auth" }, { name: "acl", config: { allow: ["admins"] } }], consumers),
  );
  const ok = await call(`${url}/api`, { headers: { apikey: "alice-key" } });
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.text) as Echo).headers["x-consumer-groups"], "admins, ops");
  const refused = await call(`${url}/api`, { headers: { apikey: "bob-key" } });
  assert.equal(refused.status, 403);
  assert.deepEqual(JSON.parse(refused.text), { message: "You cannot consume this service" });
  assert.equal((await call(`${url}/api`)).status, 401, "key-auth refuses first");
});

test("acl deny after basic-auth through a gateway", async (t) => {
  const up = (await echoUpstream(t)).url;
  const url = await gatewayWith(
    t,
    oneRoute(up, [{ name: "basic-auth" }, { name: "acl", config: { deny: ["users"] } }], consumers),
  );
  const ok = await call(`${url}/api`, { headers: { authorization: basic("alice", "pw-a") } });
  assert.equal(ok.status, 200);
  const refused = await call(`${url}/api`, { headers: { authorization: basic("bob", "pw-b") } });
  assert.equal(refused.status, 403);
});

test("an anonymous consumer without groups passes acl deny with an empty X-Consumer-Groups, as Kong", async (t) => {
  const up = (await echoUpstream(t)).url;
  const url = await gatewayWith(
    t,
    oneRoute(
      up,
      [
        { name: "key-auth", config: { anonymous: "guest" } },
        { name: "acl", config: { deny: ["users"] } },
      ],
      [...consumers, { username: "guest" }],
    ),
  );
  const res = await call(`${url}/api`, { headers: { "x-consumer-groups": "admins" } });
  assert.equal(res.status, 200);
  const seen = (JSON.parse(res.text) as Echo).headers;
  assert.equal(seen["x-anonymous-consumer"], "true");
  assert.equal(seen["x-consumer-groups"], "");
});
