import { expect, test } from "../fixtures/index.js";
import { EntityFormPage } from "../models/pages/entity-form-page.js";
import { storageStateOf } from "../support/auth.js";

test.use({ storageState: storageStateOf("editor") });

test("an editor changes configuration but sees no admin pages", async ({ page, gateway, seed }) => {
  const { service, route } = await seed.serviceWithRoute("editor");
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);

  await page.goto("/services");
  await expect(page.getByLabel("Role: editor")).toBeVisible();
  await expect(page.getByRole("link", { name: "New service" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "API tokens" })).toHaveCount(0);

  // Point the service at a port nothing listens on: the data plane answers 502.
  const form = new EntityFormPage(page, "service");
  await page.goto(`/services/${service.id}`);
  await form.textbox("Upstream URL").fill("http://127.0.0.1:9");
  await form.save.click();
  await expect
    .poll(async () => (await gateway.get(route.path)).status())
    .toBeGreaterThanOrEqual(502);

  await page.goto("/users");
  await expect(page).toHaveURL(/\/login\?denied=1/);
});
