import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { request } from "node:http";
import { test } from "node:test";
import { SignJWT } from "jose";
import type { Echo } from "./helpers.js";
import { call, echoUpstream, gatewayWith, oneRoute } from "./helpers.js";

test("jwt through a gateway: 401 + WWW-Authenticate without a token, upstream with HS256 / RS256", async (t) => {
  const up = (await echoUpstream(t)).url;
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const secret = "a-long-enough-hs256-secret-value!";
  const url = await gatewayWith(
    t,
    oneRoute(
      up,
      [{ name: "jwt", config: { claims_to_verify: ["exp"] } }],
      [
        {
          username: "alice",
          jwt_secrets: [
            { key: "alice-hs", algorithm: "HS256", secret },
            {
              key: "alice-rs",
              algorithm: "RS256",
              rsa_public_key: rsa.publicKey.export({ type: "spki", format: "pem" }).toString(),
            },
          ],
        },
      ],
    ),
  );
  const none = await call(`${url}/api`);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="gatehouse"');

  const exp = Math.floor(Date.now() / 1000) + 60;
  const hs = await new SignJWT({ iss: "alice-hs", exp })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(secret));
  const ok = await call(`${url}/api`, { headers: { authorization: `Bearer ${hs}` } });
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.text) as Echo).headers["x-consumer-username"], "alice");

  const rs = await new SignJWT({ iss: "alice-rs", exp })
    .setProtectedHeader({ alg: "RS256" })
    .sign(rsa.privateKey);
  assert.equal((await call(`${url}/api?jwt=${rs}`)).status, 200);

  const expired = await new SignJWT({ iss: "alice-hs", exp: exp - 120 })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(secret));
  const old = await call(`${url}/api`, { headers: { authorization: `Bearer ${expired}` } });
  assert.equal(old.status, 401);
  assert.deepEqual(JSON.parse(old.text), { exp: "token expired" });
});

test("jwt through a gateway: a token whose parts are not JSON answers 401 'Bad token; invalid JSON' as Kong 3.9", async (t) => {
  const up = (await echoUpstream(t)).url;
  const url = await gatewayWith(t, oneRoute(up, [{ name: "jwt" }]));
  const res = await call(`${url}/api`, { headers: { authorization: "Bearer not.json.atall" } });
  assert.equal(res.status, 401);
  assert.deepEqual(JSON.parse(res.text), { message: "Bad token; invalid JSON" });
});

test("jwt through a gateway: a duplicated Authorization header uses the first occurrence, as Kong", async (t) => {
  const up = (await echoUpstream(t)).url;
  const secret = "a-long-enough-hs256-secret-value!";
  const url = await gatewayWith(
    t,
    oneRoute(
      up,
      [{ name: "jwt" }],
      [{ username: "alice", jwt_secrets: [{ key: "alice-hs", algorithm: "HS256", secret }] }],
    ),
  );
  const good = await new SignJWT({ iss: "alice-hs" })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(secret));
  const send = (values: string[]) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${url}/api`, { headers: { connection: "close" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.setHeader("authorization", values);
      req.on("error", reject);
      req.end();
    });
  assert.equal(await send([`Bearer ${good}`, "Bearer not.a.token"]), 200);
  assert.equal(await send(["Bearer not.a.token", `Bearer ${good}`]), 401);
});
