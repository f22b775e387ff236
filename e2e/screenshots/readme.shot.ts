// The README's screenshots (docs/*.png), taken by `npm run screenshots` against a fresh stack.
import { fileURLToPath } from "node:url";
import { expect, test } from "../fixtures/index.js";
import { MarketplacePage } from "../models/pages/marketplace-page.js";
import { PluginPage } from "../models/pages/plugin-page.js";

const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

test("docs/marketplace.png: the plugin marketplace", async ({ page }) => {
  const marketplace = new MarketplacePage(page);
  await marketplace.goto();
  await expect(marketplace.cards.first()).toBeVisible();
  await page.screenshot({ path: docs("marketplace.png") });
});

test("docs/service.png: a service with its routes and breadcrumbs", async ({
  page,
  adminApi,
  seed,
}) => {
  const service = await adminApi.post("/api/v1/services", {
    data: { name: "orders", url: `${await seed.echoUrl()}/orders`, tags: ["shop"] },
  });
  expect(service.status(), await service.text()).toBe(201);
  const { id } = (await service.json()) as { id: string };
  seed.track(`/api/v1/services/${id}`);
  for (const [name, paths, methods] of [
    ["orders-read", ["/orders"], ["GET"]],
    ["orders-write", ["/orders"], ["POST", "PUT"]],
  ] as const) {
    const route = await adminApi.post("/api/v1/routes", {
      data: { name, service: { id }, paths, methods, tags: ["shop"] },
    });
    expect(route.status(), await route.text()).toBe(201);
    seed.track(`/api/v1/routes/${((await route.json()) as { id: string }).id}`);
  }
  await page.goto(`/services/${id}`);
  await expect(page.getByRole("table", { name: "Routes of this service" })).toContainText(
    "orders-write",
  );
  await page.screenshot({ path: docs("service.png") });
});

test("docs/plugin-form.png: a plugin's generated enable form", async ({ page, adminApi, seed }) => {
  const route = await adminApi.post("/api/v1/routes", {
    data: { name: "internal-reports", paths: ["/reports"], service: { name: "demo-echo" } },
  });
  expect(route.status(), await route.text()).toBe(201);
  seed.track(`/api/v1/routes/${((await route.json()) as { id: string }).id}`);
  const plugin = new PluginPage(page);
  await plugin.goto("ip-restriction");
  await plugin.startEnable("Route", "internal-reports");
  const allow = plugin.enablePanel.getByRole("textbox", { name: "Allow", exact: true });
  await allow.fill("10.0.0.0/8");
  await allow.press("Enter");
  await page.screenshot({ path: docs("plugin-form.png") });
});
