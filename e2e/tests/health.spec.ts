import { expect, test } from "../fixtures/index.js";

test("the admin reports itself healthy with its database reachable", async ({ request }) => {
  const response = await request.get("/api/health");

  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
});
