import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { fromZodIssues } from "../src/errors.js";

const reasons = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value, { reportInput: true });
  return r.success ? [] : fromZodIssues(r.error.issues, "config");
};

test("zod's own texts become short reasons at the field's path; a schema's message is kept", () => {
  const schema = z.strictObject({
    port: z.number().max(65535),
    names: z.array(z.string()).min(1),
    id: z.string().max(3),
    tag: z.string().regex(/^a/),
    url: z.url(),
    n: z.number().gt(0),
    own: z.number().max(1, { error: "must be 0 or 1" }),
    "bad key": z.string(),
  });
  const value = { port: 70000, names: [], id: "abcd", tag: "b", url: "x", n: 0, own: 2, extra: 1 };
  assert.deepEqual(reasons(schema, value), [
    { path: "config.port", message: "must be at most 65535" },
    { path: "config.names", message: "must have at least 1 item" },
    { path: "config.id", message: "must be at most 3 characters long" },
    { path: "config.tag", message: "must match /^a/" },
    { path: "config.url", message: "must be a valid url" },
    { path: "config.n", message: "must be more than 0" },
    { path: "config.own", message: "must be 0 or 1" },
    { path: 'config["bad key"]', message: "is required" },
    { path: "config.extra", message: "unknown field" },
  ]);
});
