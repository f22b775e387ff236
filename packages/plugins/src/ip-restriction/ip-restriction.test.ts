import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { ipRestriction } from "../index.js";

const status = async (conf: unknown, clientIp: string) =>
  (await runPlugin(ipRestriction, conf, { request: { clientIp } })).response.status;
const errors = (raw: unknown) => {
  const r = validatePluginConfig(ipRestriction, raw);
  return r.ok ? [] : r.errors;
};

test("a denied address gets 403 'IP address not allowed: <ip>' as Kong 3.4+", async () => {
  const r = await runPlugin(
    ipRestriction,
    { deny: ["10.0.0.0/8"] },
    { request: { clientIp: "10.1.2.3" } },
  );
  assert.equal(r.response.status, 403);
  assert.deepEqual(r.response.json(), { message: "IP address not allowed: 10.1.2.3" });
  assert.equal(await status({ deny: ["10.0.0.0/8"] }, "11.0.0.1"), 200);
});

test("outside allow the rejection names the client too, IPv6 compact and IPv4-mapped as IPv4", async () => {
  const message = async (clientIp: string) =>
    (
      await runPlugin(ipRestriction, { allow: ["192.168.1.10"] }, { request: { clientIp } })
    ).response.json();
  assert.deepEqual(await message("192.168.1.11"), {
    message: "IP address not allowed: 192.168.1.11",
  });
  assert.deepEqual(await message("2001:db8:0:0::1"), {
    message: "IP address not allowed: 2001:db8::1",
  });
  assert.deepEqual(await message("::ffff:10.0.0.1"), {
    message: "IP address not allowed: 10.0.0.1",
  });
});

test("allow: only listed addresses pass", async () => {
  assert.equal(await status({ allow: ["192.168.1.10"] }, "192.168.1.10"), 200);
  assert.equal(await status({ allow: ["192.168.1.10"] }, "192.168.1.11"), 403);
});

test("deny wins over allow", async () => {
  assert.equal(await status({ allow: ["10.0.0.0/8"], deny: ["10.0.0.5"] }, "10.0.0.5"), 403);
});

test("IPv6 addresses and ranges", async () => {
  assert.equal(await status({ allow: ["2001:db8::/32"] }, "2001:db8::1"), 200);
  assert.equal(await status({ allow: ["2001:db8::/32"] }, "2001:dead::1"), 403);
  assert.equal(await status({ deny: ["::1"] }, "::1"), 403);
});

test("IPv4-mapped IPv6 client addresses match IPv4 rules", async () => {
  assert.equal(await status({ deny: ["127.0.0.0/8"] }, "::ffff:127.0.0.1"), 403);
});

test("status and message are configurable", async () => {
  const r = await runPlugin(
    ipRestriction,
    { deny: ["1.2.3.4"], status: 451, message: "go away" },
    { request: { clientIp: "1.2.3.4" } },
  );
  assert.equal(r.response.status, 451);
  assert.deepEqual(r.response.json(), { message: "go away" });
});

test("rejects a config with neither allow nor deny", () => {
  assert.deepEqual(errors({}), [
    {
      path: "config",
      message: "at least one of these fields must be non-empty: 'config.allow', 'config.deny'",
    },
  ]);
  assert.deepEqual(errors({ allow: [], deny: [] }).length, 1);
});

test("rejects invalid addresses and ranges", () => {
  assert.deepEqual(errors({ allow: ["10.0.0.0/33", "nope"] }), [
    { path: "config.allow[0]", message: "invalid ip or cidr range: '10.0.0.0/33'" },
    { path: "config.allow[1]", message: "invalid ip or cidr range: 'nope'" },
  ]);
});

test("rejects a status outside 400..599", () => {
  assert.deepEqual(errors({ deny: ["1.1.1.1"], status: 200 }), [
    { path: "config.status", message: "value should be between 400 and 599" },
  ]);
});
