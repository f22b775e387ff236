import { expect, test } from "../fixtures/index.js";
import { storageStateOf } from "../support/auth.js";
import { adminUrl } from "../support/env.js";

test.use({ storageState: storageStateOf("viewer") });

test("a viewer sees no edit controls", async ({ page, seed }) => {
  const { service, route } = await seed.serviceWithRoute("viewer");

  await page.goto("/services");
  await expect(page.getByRole("heading", { level: 1, name: "Services" })).toBeVisible();
  await expect(page.getByLabel("Role: viewer")).toBeVisible();
  await expect(page.getByRole("link", { name: "New service" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);

  await page.goto(`/services/${service.id}`);
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue(service.name);
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: /Save|Delete/ })).toHaveCount(0);

  await page.goto("/plugins/key-auth");
  await expect(page.getByRole("tab", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Enable", exact: true })).toHaveCount(0);

  await page.goto("/config");
  await expect(page.getByRole("table", { name: "Config versions" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Roll back/ })).toHaveCount(0);
  expect(route.id).toBeTruthy();
});

test("a viewer cannot change anything: the API refuses and the data plane is unchanged", async ({
  page,
  gateway,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("viewer-write");
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);

  // The same calls the UI makes, with the viewer's session (the browser's cookies).
  await page.goto("/services");
  const status = await page.evaluate(
    async ([routeId]) => {
      const post = await fetch("/api/v1/plugins", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: "request-termination",
          route: { id: routeId },
          config: { status_code: 503 },
        }),
      });
      const del = await fetch(`/api/v1/routes/${routeId}`, { method: "DELETE" });
      return [post.status, del.status];
    },
    [route.id],
  );
  expect(status).toEqual([403, 403]);
  expect((await gateway.get(route.path)).status()).toBe(200);

  await page.goto("/users");
  await expect(page).toHaveURL(new RegExp(`^${adminUrl}/login\\?denied=1`));
});
