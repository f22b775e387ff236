import assert from "node:assert/strict";
import { test } from "node:test";
import type { NormalizedHashing } from "@gatehouse/config";
import { hashKey } from "../src/proxy/balancer/hash-key.js";

const hashing = (over: Partial<NormalizedHashing>): NormalizedHashing => ({
  hashOn: "none",
  hashFallback: "none",
  hashOnHeader: null,
  hashFallbackHeader: null,
  hashOnCookie: null,
  hashOnCookiePath: "/",
  hashOnQueryArg: null,
  hashFallbackQueryArg: null,
  hashOnUriCapture: null,
  hashFallbackUriCapture: null,
  ...over,
});
const input = (captures: {
  named: Record<string, string | false>;
  unnamed: (string | false)[];
}) => ({
  consumerId: null,
  clientIp: "10.0.0.1",
  headers: {},
  path: "/u/7",
  query: null,
  captures,
});

test("hash_on uri_capture reads the route's named group; an unmatched group (false) falls back", () => {
  const h = hashing({ hashOn: "uri_capture", hashOnUriCapture: "id", hashFallback: "ip" });
  assert.equal(hashKey(h, input({ named: { id: "7" }, unnamed: ["7"] }))?.key, "7");
  assert.equal(hashKey(h, input({ named: { id: false }, unnamed: [false] }))?.key, "10.0.0.1");
  assert.equal(hashKey(h, input({ named: {}, unnamed: [] }))?.key, "10.0.0.1");
});
