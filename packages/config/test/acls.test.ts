import assert from "node:assert/strict";
import { test } from "node:test";
import { validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

const withAcls = (acls: unknown) => ({
  _format_version: "3.0",
  consumers: [{ username: "alice", acls }],
});

test("consumers[].acls (decK shape) are normalized with stable ids", () => {
  const r = validateDeclarative(withAcls([{ group: "admins" }, { group: "ops", tags: ["t"] }]), {
    plugins: catalog,
  });
  assert.ok(r.ok);
  const acls = r.config.consumers[0]!.acls;
  assert.deepEqual(
    acls.map((a) => [a.group, a.tags]),
    [
      ["admins", []],
      ["ops", ["t"]],
    ],
  );
  const again = validateDeclarative(withAcls([{ group: "admins" }]), { plugins: catalog });
  assert.ok(again.ok);
  assert.equal(again.config.consumers[0]!.acls[0]!.id, acls[0]!.id);
});

test("acls: empty group, unknown field and a duplicate group are refused with their path", () => {
  const r = validateDeclarative(withAcls([{ group: "" }, { group: "a", x: 1 }]), {
    plugins: catalog,
  });
  assert.ok(!r.ok);
  const paths = r.errors.map((e) => e.path);
  assert.ok(paths.includes("consumers[0].acls[0].group"), JSON.stringify(r.errors));
  assert.ok(
    paths.some((p) => p.startsWith("consumers[0].acls[1]")),
    JSON.stringify(r.errors),
  );
  const dup = validateDeclarative(withAcls([{ group: "a" }, { group: "a" }]), { plugins: catalog });
  assert.ok(!dup.ok);
  assert.deepEqual(dup.errors, [
    {
      path: "consumers[0].acls[1].group",
      message: 'duplicate acl group "a" (also at consumers[0].acls[0].group)',
    },
  ]);
});
