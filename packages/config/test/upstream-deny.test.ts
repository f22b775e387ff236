import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEFAULT_UPSTREAM_DENY,
  UpstreamDenyList,
  localPortRules,
  parseUpstreamDenyRule,
  validateDeclarative,
} from "../src/index.js";
import { catalog } from "./helpers.js";

test("the default list denies cloud metadata and link-local addresses on every port", () => {
  const deny = new UpstreamDenyList(DEFAULT_UPSTREAM_DENY);
  for (const [addr, port] of [
    ["169.254.169.254", 80],
    ["169.254.170.2", 80],
    ["::ffff:169.254.169.254", 80], // IPv4-mapped IPv6 matches the IPv4 rule
    ["fe80::1", 443],
    ["fe80::1%eth0", 443],
    ["fd00:ec2::254", 80],
    ["100.100.100.200", 80],
    ["168.63.129.16", 32526],
    ["0.0.0.0", 5432],
    ["::", 8001],
  ] as const) {
    assert.ok(deny.denies(addr, port), `${addr}:${port} must be denied`);
  }
  for (const [addr, port] of [
    ["127.0.0.1", 8080],
    ["10.0.0.5", 80],
    ["93.184.216.34", 443],
    ["::1", 8080],
    ["169.255.0.1", 80],
  ] as const) {
    assert.equal(deny.denies(addr, port), undefined, `${addr}:${port} must be allowed`);
  }
});

test("port rules deny that port only, on the addresses given", () => {
  const deny = new UpstreamDenyList([...localPortRules(8001), "10.0.0.0/8:5432", "*:6379"]);
  assert.equal(deny.denies("127.0.0.1", 8001)?.text, "127.0.0.0/8:8001");
  assert.equal(deny.denies("127.8.9.10", 8001)?.text, "127.0.0.0/8:8001");
  assert.equal(deny.denies("::1", 8001)?.text, "[::1]:8001");
  assert.equal(deny.denies("::ffff:127.0.0.1", 8001)?.text, "127.0.0.0/8:8001");
  assert.equal(deny.denies("0.0.0.0", 8001)?.text, "0.0.0.0/8:8001");
  assert.equal(deny.denies("127.0.0.1", 8002), undefined);
  assert.equal(deny.denies("10.1.2.3", 5432)?.text, "10.0.0.0/8:5432");
  assert.equal(deny.denies("10.1.2.3", 5433), undefined);
  assert.equal(deny.denies("192.168.1.1", 6379)?.text, "*:6379");
});

test("invalid rules are refused with the reason", () => {
  assert.equal(
    parseUpstreamDenyRule("example.com"),
    '"example.com" is not an IP address or CIDR (e.g. 169.254.0.0/16, fe80::/10)',
  );
  assert.equal(
    parseUpstreamDenyRule("127.1"),
    '"127.1" is not an IP address or CIDR (e.g. 169.254.0.0/16, fe80::/10)',
  );
  assert.equal(
    parseUpstreamDenyRule("10.0.0.0/33"),
    '"10.0.0.0/33" is not an IP address or CIDR (e.g. 169.254.0.0/16, fe80::/10)',
  );
  assert.equal(
    parseUpstreamDenyRule("127.0.0.1:0"),
    "the port must be a number between 1 and 65535",
  );
  assert.equal(
    parseUpstreamDenyRule("[::1]"),
    '"[::1]": an IPv6 rule in brackets needs a port, e.g. [::1]:8001',
  );
  assert.equal(parseUpstreamDenyRule(""), "must not be empty");
  assert.throws(() => new UpstreamDenyList(["ok", "10.0.0.0/8"]), /upstream deny rule 0: "ok"/);
});

test("upstream_deny in a document: validated per rule, normalized as written", () => {
  const bad = validateDeclarative(
    { _format_version: "3.0", upstream_deny: ["169.254.0.0/16", "nope"] },
    { plugins: catalog },
  );
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.errors, [
    {
      path: "upstream_deny[1]",
      message: '"nope" is not an IP address or CIDR (e.g. 169.254.0.0/16, fe80::/10)',
    },
  ]);
  const unset = validateDeclarative({ _format_version: "3.0" }, { plugins: catalog });
  assert.equal(unset.ok && unset.config.upstreamDeny, null);
  const set = validateDeclarative(
    { _format_version: "3.0", upstream_deny: ["10.0.0.0/8:5432"] },
    { plugins: catalog },
  );
  assert.deepEqual(set.ok && set.config.upstreamDeny, ["10.0.0.0/8:5432"]);
});
