import { expect, test } from "../fixtures/index.js";
import { PluginPage } from "../models/pages/plugin-page.js";

test("the scope is an explicit choice, and Global asks first naming its blast radius", async ({
  page,
  adminApi,
}) => {
  const plugin = new PluginPage(page);
  await plugin.goto("correlation-id");
  await plugin.tab("Enable").click();
  const scopes = plugin.enablePanel.getByRole("radio");
  await expect(scopes).toHaveCount(4);
  for (const radio of await scopes.all()) await expect(radio).not.toBeChecked();

  // Nothing chosen: refused with the reason, nothing saved.
  await plugin.enableButton.click();
  await expect(plugin.enablePanel).toContainText("choose where the plugin applies");

  await plugin.enablePanel.getByRole("radio", { name: "Global", exact: true }).check();
  await plugin.enableButton.click();
  const dialog = page.getByRole("dialog", { name: "Enable Correlation ID globally?" });
  await expect(dialog).toContainText("applies to every route of every service");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  const none = await (await adminApi.get("/api/v1/plugins?name=correlation-id")).json();
  expect(
    none.data.filter(
      (p: { route: unknown; service: unknown; consumer: unknown }) =>
        !p.route && !p.service && !p.consumer,
    ),
  ).toEqual([]);
});

test("the Enabled tab names the route with a link and wraps the config (no page wider than the window)", async ({
  page,
  adminApi,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("named");
  const long = "x".repeat(400);
  const created = await adminApi.post(`/api/v1/routes/${route.id}/plugins`, {
    data: { name: "request-termination", config: { status_code: 418, message: long } },
  });
  expect(created.status()).toBe(201);
  await page.setViewportSize({ width: 1024, height: 800 });
  const plugin = new PluginPage(page);
  await plugin.goto("request-termination");
  await plugin.tab(/Enabled \(\d+\)/).click();
  const link = page
    .getByRole("table", { name: "Instances" })
    .getByRole("link", { name: route.name });
  await expect(link).toHaveAttribute("href", `/routes/${route.id}`);
  await expect(page.getByRole("table", { name: "Instances" })).toContainText(long.slice(0, 50));
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
});

test("a field error from the admin is shown on its field of the generated form", async ({
  page,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("fielderr");
  const plugin = new PluginPage(page);
  await plugin.goto("ip-restriction");
  await plugin.startEnable("Route", route.name);
  const allow = plugin.enablePanel.locator('[id="config_allow"]');
  await allow.fill("not-an-ip");
  await allow.press("Enter");
  await plugin.enableButton.click();
  await expect(plugin.errors).toContainText("config.allow[0]");
  await expect(plugin.fieldError("Allow")).toContainText(
    "item 1: invalid ip or cidr range: 'not-an-ip'",
  );
});

test("the generated form labels fields humanly, shows help text and defaults, and puts nested objects in sections", async ({
  page,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("labels");
  const plugin = new PluginPage(page);
  await plugin.goto("rate-limiting");
  await plugin.startEnable("Route", route.name);
  const form = plugin.form;
  // A nullable number: its own input, empty = "not set".
  const second = form.getByRole("textbox", { name: "Second", exact: true });
  await expect(second).toHaveAttribute("placeholder", "not set");
  await expect(second).toHaveAccessibleDescription("Number of requests allowed per second.");
  // A default is filled in and said in the help text.
  const errorCode = form.getByRole("textbox", { name: "Error code", exact: true });
  await expect(errorCode).toHaveValue("429");
  await expect(errorCode).toHaveAccessibleDescription(/Default: 429\./);
  // The nested redis object is its own titled section.
  const redis = form.getByRole("group", { name: "Redis", exact: true });
  await expect(redis).toContainText("Redis connection (policy redis).");
  await expect(redis.getByLabel("Host", { exact: true })).toHaveAttribute(
    "placeholder",
    "not set (e.g. 127.0.0.1)",
  );
  await expect(redis.getByLabel("Password", { exact: true })).toHaveAttribute("type", "password");
});
