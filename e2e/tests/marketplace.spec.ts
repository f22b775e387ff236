import { expect, test } from "../fixtures/index.js";
import { MarketplacePage } from "../models/pages/marketplace-page.js";
import { PluginPage } from "../models/pages/plugin-page.js";

test("the catalog grid filters by search and category", async ({ page, adminApi }) => {
  // The stack's gateway registers with the admin shortly after start.
  await expect
    .poll(async () => (await (await adminApi.get("/api/v1/data-planes")).json()).data.length)
    .toBe(1);
  const market = new MarketplacePage(page);
  await market.goto();
  await expect(market.card("Key Authentication")).toBeVisible();
  await expect(market.card("Key Authentication")).toContainText(/on 1 of 1 data planes/);

  await market.search.fill("termination");
  await expect(market.cards).toHaveCount(1);
  await expect(market.card("Request Termination")).toBeVisible();

  await market.search.fill("");
  await market.category("authentication").click();
  await expect(market.card("Key Authentication")).toBeVisible();
  await expect(market.card("Request Termination")).toHaveCount(0);
});

test("a plugin page shows its README, a config reference from its schema and examples", async ({
  page,
}) => {
  const plugin = new PluginPage(page);
  await plugin.goto("key-auth");
  await expect(page.getByRole("heading", { level: 1, name: "Key Authentication" })).toBeVisible();
  // The README, rendered (its headings one level below the page's).
  await expect(page.getByRole("heading", { level: 3, name: "Configuration" })).toBeVisible();
  await expect(
    page.getByRole("tabpanel", { name: "Overview" }).getByRole("row", { name: /key_in_header/ }),
  ).toBeVisible();

  await plugin.tab("Configuration reference").click();
  const reference = page.getByRole("table", { name: "Configuration reference" });
  await expect(reference.getByRole("row", { name: /key_names/ })).toContainText('["apikey"]');

  await plugin.tab("Examples").click();
  await expect(page.getByLabel(/Example 1/)).toContainText("key-auth");
});

test("enabling key-auth on a route: 401 with WWW-Authenticate without a key, the upstream with one", async ({
  page,
  gateway,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("keyauth");
  const consumer = await seed.consumerWithKey();
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);

  const plugin = new PluginPage(page);
  await plugin.goto("key-auth");
  await plugin.startEnable("Route", route.name);
  await plugin.enableButton.click();
  await expect(plugin.tab(/Enabled \(\d+\)/)).toHaveAttribute("aria-selected", "true");

  await expect
    .poll(async () => {
      const r = await gateway.get(route.path);
      return `${r.status()} ${r.headers()["www-authenticate"] ?? ""}`;
    })
    .toBe("401 Key");
  const withKey = await gateway.get(route.path, { headers: { apikey: consumer.key } });
  expect(withKey.status()).toBe(200);
  expect(withKey.headers()["x-consumer-username"] ?? "").toBe("");
  expect(await withKey.text()).toContain(consumer.username);
});

test("request-termination answers with the configured status and body", async ({
  page,
  gateway,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("term");
  const plugin = new PluginPage(page);
  await plugin.goto("request-termination");
  await plugin.startEnable("Route", route.name);
  await plugin.setRawConfig({ status_code: 418, message: "teapot here" });
  await plugin.enableButton.click();

  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(418);
  expect(await (await gateway.get(route.path)).text()).toContain("teapot here");
});

test("response-transformer adds the header", async ({ page, gateway, seed }) => {
  const { service, route } = await seed.serviceWithRoute("resp");
  const plugin = new PluginPage(page);
  await plugin.goto("response-transformer");
  await plugin.startEnable("Service", service.name);
  await plugin.setRawConfig({ add: { headers: ["X-Gatehouse-E2E:added"] } });
  await plugin.enableButton.click();

  await expect
    .poll(async () => (await gateway.get(route.path)).headers()["x-gatehouse-e2e"])
    .toBe("added");
});

test("an invalid plugin config shows the API's field errors and changes nothing", async ({
  page,
  gateway,
  adminApi,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("invalid");
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);
  const plugin = new PluginPage(page);
  await plugin.goto("key-auth");
  await plugin.startEnable("Route", route.name);
  // Not a valid header name: the API (the data plane's schema) refuses it.
  await plugin.field("Key names").fill("bad name");
  await plugin.field("Key names").press("Enter");
  await plugin.enableButton.click();

  await expect(plugin.errors).toContainText("config.key_names");
  await expect(plugin.fieldError("Key names")).toContainText("item");
  const plugins = await adminApi.get(`/api/v1/routes/${route.id}/plugins`);
  expect((await plugins.json()).data).toEqual([]);
  expect((await gateway.get(route.path)).status()).toBe(200);
});
