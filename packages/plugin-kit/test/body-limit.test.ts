import assert from "node:assert/strict";
import { test } from "node:test";
import { BodyTooLargeError, PluginKitError } from "../src/index.js";
import { plugin, run } from "./helpers.js";

test("request.getRawBody(maxBytes) returns bodies up to maxBytes and rejects larger ones", async () => {
  const seen: unknown[] = [];
  const reader = (max: number) =>
    plugin("reader", 1, {
      access: async (kit) => {
        try {
          seen.push((await kit.request.getRawBody(max)).toString());
        } catch (err) {
          seen.push(err);
        }
      },
    });
  await run([reader(5)], { request: { method: "POST", body: "12345" } });
  await run([reader(4)], { request: { method: "POST", body: "12345" } });
  assert.equal(seen[0], "12345");
  assert.ok(seen[1] instanceof BodyTooLargeError);
  assert.equal((seen[1] as BodyTooLargeError).limit, 4);
  assert.equal((seen[1] as Error).message, "request body is larger than 4 bytes");
});

test("request.getRawBody(maxBytes) refuses a negative or fractional limit", async () => {
  let err: unknown;
  const p = plugin("reader", 1, {
    access: (kit) => {
      try {
        void kit.request.getRawBody(-1);
      } catch (e) {
        err = e;
      }
    },
  });
  await run([p]);
  assert.ok(err instanceof PluginKitError);
  assert.equal(
    (err as Error).message,
    "kit.request.getRawBody(): maxBytes must be a non-negative integer, got -1",
  );
});

test("request.getConnection() reports what the data plane gave (undefined otherwise)", async () => {
  const seen: unknown[] = [];
  const p = plugin("conn", 1, { access: (kit) => void seen.push(kit.request.getConnection()) });
  const connection = { serverAddress: "127.0.0.1", serverPort: 8000, id: 3, requests: 2 };
  await run([p], { request: { connection } });
  await run([p]);
  assert.deepEqual(seen, [connection, undefined]);
});
