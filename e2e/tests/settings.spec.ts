// The Settings page (GET/PATCH /api/v1/settings): the upstream deny list and the simulator's body
// switch, admins only; a bad rule is shown on its line; a saved rule is applied by the data plane.
import { expect, test } from "../fixtures/index.js";
import { storageStateOf } from "../support/auth.js";

test("an admin denies an upstream on the Settings page and the data plane refuses it", async ({
  page,
  adminApi,
  gateway,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("deny");
  const echo = new URL(await seed.echoUrl());
  const rule = `${echo.hostname}:${echo.port}`;
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);
  try {
    await page.goto("/settings");
    const deny = page.getByRole("region", { name: "Upstream deny list" });
    await expect(deny.getByRole("radio", { name: "The default list" })).toBeChecked();
    await expect(deny.getByRole("list", { name: "Default deny rules" })).toContainText(
      "169.254.0.0/16",
    );

    // a custom list starts from the default one
    await deny.getByRole("radio", { name: "A custom list" }).check();
    const rules = deny.getByRole("textbox", { name: "Deny rules" });
    await expect(rules).toHaveValue(/^169\.254\.0\.0\/16\n/);
    const defaults = await rules.inputValue();
    const lines = defaults.split("\n").length;

    // the API's 400 on one rule is shown on the field, naming its line
    await rules.fill(`${defaults}\nnot-an-address`);
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(rules).toHaveAccessibleDescription(
      new RegExp(`line ${lines + 1} \\(not-an-address\\): "not-an-address" is not an IP address`),
    );
    expect((await (await adminApi.get("/api/v1/settings")).json()).upstream_deny).toBeNull();

    await rules.fill(`${defaults}\n${rule}`);
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();
    // refused before connecting: the gateway answers 502 (the upstream itself answers 200)
    await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(502);

    // kept: the page shows the saved list after a reload
    await page.reload();
    await expect(deny.getByRole("radio", { name: "A custom list" })).toBeChecked();
    await expect(deny.getByRole("textbox", { name: "Deny rules" })).toHaveValue(
      new RegExp(`\n${rule.replaceAll(".", "\\.")}$`),
    );

    // back to the default list: the upstream answers again
    await deny.getByRole("radio", { name: "The default list" }).check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Settings saved.").first()).toBeVisible();
    await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);
    expect((await (await adminApi.get("/api/v1/settings")).json()).upstream_deny).toBeNull();
  } finally {
    await adminApi.patch("/api/v1/settings", { data: { upstream_deny: null } });
  }
});

test("an admin lets editors see response bodies in the simulator; the switch is kept", async ({
  page,
  adminApi,
}) => {
  try {
    await page.goto("/settings");
    const sim = page.getByRole("region", { name: "Request simulator" });
    const body = sim.getByRole("switch", { name: "Editors see the upstream's response body" });
    await expect(body).not.toBeChecked();
    await body.check({ force: true });
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();
    await page.reload();
    await expect(body).toBeChecked();
    expect((await (await adminApi.get("/api/v1/settings")).json()).simulator_show_body).toBe(true);
  } finally {
    await adminApi.patch("/api/v1/settings", { data: { simulator_show_body: false } });
  }
});

for (const role of ["editor", "viewer"] as const) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: storageStateOf(role) });

    test(`a ${role} has no Settings page and cannot change settings`, async ({ page }) => {
      await page.goto("/services");
      await expect(page.getByLabel(`Role: ${role}`)).toBeVisible();
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(nav.getByRole("link", { name: "Services" })).toBeVisible();
      await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);

      await page.goto("/settings");
      await expect(page).toHaveURL(/\/login\?denied=1$/);
      await expect(page.getByText("does not have access to that page")).toBeVisible();

      // the same call the page makes, with this role's session
      const r = await page.request.patch("/api/v1/settings", {
        data: { simulator_show_body: true },
        headers: { origin: new URL(page.url()).origin },
      });
      expect(r.status()).toBe(403);
    });
  });
}
