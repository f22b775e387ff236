import assert from "node:assert/strict";
import { test } from "node:test";
import { createHash } from "node:crypto";
import { hashPassword } from "@gatehouse/secrets";
import type { Echo } from "./helpers.js";
import { call, echoUpstream, gatewayWith, oneRoute } from "./helpers.js";

const basic = (user: string, pw: string) =>
  `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`;

test("basic-auth through a gateway: 401 + WWW-Authenticate without credentials, upstream with them", async (t) => {
  const up = (await echoUpstream(t)).url;
  const hash = await hashPassword("builder", { N: 1024, r: 8, p: 1 });
  const url = await gatewayWith(
    t,
    oneRoute(
      up,
      [{ name: "basic-auth", config: { hide_credentials: true } }],
      [
        {
          username: "alice",
          basicauth_credentials: [{ username: "alice", password: "wonderland" }],
        },
        { username: "bob", basicauth_credentials: [{ username: "bob", password_hash: hash }] },
      ],
    ),
  );
  const none = await call(`${url}/api`);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get("www-authenticate"), 'Basic realm="service"');
  assert.deepEqual(JSON.parse(none.text), { message: "Unauthorized" });

  const wrong = await call(`${url}/api`, { headers: { authorization: basic("alice", "x") } });
  assert.equal(wrong.status, 401);
  // Kong 3.6+: a wrong password is the same plain 401 Unauthorized, with the same challenge
  assert.deepEqual(JSON.parse(wrong.text), { message: "Unauthorized" });
  assert.equal(wrong.headers.get("www-authenticate"), 'Basic realm="service"');

  const ok = await call(`${url}/api`, { headers: { authorization: basic("alice", "wonderland") } });
  assert.equal(ok.status, 200);
  const seen = JSON.parse(ok.text) as Echo;
  assert.equal(seen.headers["x-consumer-username"], "alice");
  assert.equal(seen.headers["x-credential-identifier"], "alice");
  assert.equal(seen.headers.authorization, undefined, "hide_credentials");

  const hashed = await call(`${url}/api`, { headers: { authorization: basic("bob", "builder") } });
  assert.equal(hashed.status, 200, "password_hash pushed by the control plane");
});

test("key-auth, basic-auth and jwt with a missing anonymous consumer answer 500 naming it, as Kong", async (t) => {
  const upstream = (await echoUpstream(t)).url;
  const routes = ["key-auth", "basic-auth", "jwt"].map((name) => ({
    name,
    paths: [`/${name}`],
    plugins: [{ name, config: { anonymous: "ghost" } }],
  }));
  const url = await gatewayWith(t, {
    _format_version: "3.0",
    services: [{ name: "s", url: upstream, routes }],
  });
  for (const { name } of routes) {
    const res = await call(`${url}/${name}`);
    assert.equal(res.status, 500, name);
    assert.deepEqual(JSON.parse(res.text), {
      message: "anonymous consumer ghost is configured but doesn't exist",
    });
  }
});

test("a Kong decK export (_transform: false) keeps its basic-auth users' passwords: Kong's SHA1 hashes verify", async (t) => {
  const up = (await echoUpstream(t)).url;
  const consumerId = "0d2b7c1e-3f4a-4b5c-8d6e-7f8091a2b3c4";
  // what Kong stored for password "open-sesame": hex SHA1 of password .. consumer_id
  const kongHash = createHash("sha1").update(`open-sesame${consumerId}`).digest("hex");
  const doc = {
    ...oneRoute(
      up,
      [{ name: "basic-auth" }],
      [
        {
          id: consumerId,
          username: "ali",
          basicauth_credentials: [{ username: "ali", password: kongHash }],
        },
      ],
    ),
    _transform: false,
  };
  const url = await gatewayWith(t, doc);
  const ok = await call(`${url}/api`, { headers: { authorization: basic("ali", "open-sesame") } });
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.text) as Echo).headers["x-consumer-id"], consumerId);
  const wrong = await call(`${url}/api`, { headers: { authorization: basic("ali", kongHash) } });
  assert.equal(wrong.status, 401, "the stored hash is not the password");
  const wrong2 = await call(`${url}/api`, { headers: { authorization: basic("ali", "open") } });
  assert.equal(wrong2.status, 401);
});
