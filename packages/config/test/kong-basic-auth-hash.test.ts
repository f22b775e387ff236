import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { verifyPassword } from "@gatehouse/secrets";
import { formatErrors, validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

const consumerId = "5e1f0a9b-2c3d-4e5f-8a7b-9c0d1e2f3a4b";
const kongHash = createHash("sha1").update(`hunter2${consumerId}`).digest("hex");

function doc(transform: boolean | undefined, consumer: Record<string, unknown>) {
  return {
    _format_version: "3.0",
    ...(transform === undefined ? {} : { _transform: transform }),
    consumers: [{ username: "u", ...consumer }],
  };
}

test("decK _transform: false: a basic-auth password is Kong's stored SHA1 hash, kept salted with the consumer id", async () => {
  const r = validateDeclarative(
    doc(false, { id: consumerId, basicauth_credentials: [{ username: "u", password: kongHash }] }),
    { plugins: catalog },
  );
  assert.ok(r.ok, r.ok ? "" : formatErrors(r.errors));
  const cred = r.config.consumers[0]!.basicauthCredentials[0]!;
  assert.equal(cred.password, null, "never treated as a plaintext password");
  assert.equal(cred.passwordHash, `$kong-sha1$${consumerId}$${kongHash}`);
  assert.equal(await verifyPassword("hunter2", cred.passwordHash), true);
  assert.equal(await verifyPassword("hunter3", cred.passwordHash), false);
});

test("decK _transform: false refuses a password that is not a Kong hash, or a consumer without its id", () => {
  const r = validateDeclarative(
    doc(false, { basicauth_credentials: [{ username: "u", password: "plaintext" }] }),
    { plugins: catalog },
  );
  assert.equal(r.ok, false);
  const lines = r.ok ? [] : formatErrors(r.errors).split("\n");
  assert.ok(
    lines.some((l) =>
      l.startsWith("consumers[0].basicauth_credentials[0].password: with _transform: false"),
    ),
    lines.join("\n"),
  );
  assert.ok(lines.some((l) => l.startsWith("consumers[0].id: is required with _transform: false")));
});

test("without _transform: false a basic-auth password stays a plaintext password", () => {
  for (const transform of [undefined, true]) {
    const r = validateDeclarative(
      doc(transform, {
        id: consumerId,
        basicauth_credentials: [{ username: "u", password: kongHash }],
      }),
      { plugins: catalog },
    );
    assert.ok(r.ok);
    assert.equal(r.config.consumers[0]!.basicauthCredentials[0]!.password, kongHash);
  }
});
