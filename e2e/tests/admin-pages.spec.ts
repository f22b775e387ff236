import { expect, test } from "../fixtures/index.js";

test("an API token is shown once, then listed by prefix, and revoked", async ({
  page,
  uniqueName,
}) => {
  const name = uniqueName("token");
  await page.goto("/tokens");
  await page.getByRole("textbox", { name: "Token name" }).fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("New token").textContent();
  expect(token).toBeTruthy();

  // The token works against the API.
  const me = await page.request.get("/api/v1/auth/me", {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(me.status()).toBe(200);

  const row = page
    .getByRole("table", { name: "API tokens" })
    .getByRole("row", { name: new RegExp(name) });
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  await page.reload();
  await expect(page.getByLabel("New token")).toHaveCount(0);
  const after = await page.request.get("/api/v1/auth/me", {
    headers: { authorization: `Bearer ${token}`, cookie: "" },
  });
  expect(after.status()).toBe(401);
});

test("the audit log filters by action and entity type", async ({ page, seed }) => {
  const { service } = await seed.serviceWithRoute("audited");
  await page.goto("/audit");
  await page.getByRole("textbox", { name: "Action" }).fill("create");
  await page.getByRole("textbox", { name: "Entity type" }).click();
  await page.getByRole("option", { name: "service", exact: true }).click();
  const log = page.getByRole("table", { name: "Audit log" });
  await expect(log.getByRole("row").nth(1)).toContainText(/createservice/);
  await expect(log).not.toContainText("route");
  await log.getByRole("row").nth(1).getByRole("button", { name: "Before / after" }).click();
  await expect(log).toContainText(service.name);
});
