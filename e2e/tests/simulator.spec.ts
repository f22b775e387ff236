import { expect, test } from "../fixtures/index.js";

test("the request simulator shows the plugin that exited, and the status it answered", async ({
  page,
  adminApi,
  gateway,
  seed,
  consoleErrors,
}) => {
  const { route } = await seed.serviceWithRoute("sim");
  const r = await adminApi.post("/api/v1/plugins", {
    data: {
      name: "request-termination",
      route: { id: route.id },
      config: { status_code: 418, message: "simulated teapot" },
    },
  });
  expect(r.status(), await r.text()).toBe(201);
  // the data plane runs the new version
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(418);

  await page.goto("/simulator");
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Request simulator" }),
  ).toHaveAttribute("aria-current", "page");
  await page.getByRole("textbox", { name: "Path" }).fill(`${route.path}/anything?x=1`);
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByRole("textbox", { name: "Header 1 name" }).fill("X-Sim");
  await page.getByRole("textbox", { name: "Header 1 value" }).fill("yes");
  await page.getByRole("button", { name: "Send request" }).click();

  const result = page.getByRole("region", { name: "Result" });
  await expect(result.getByLabel("Status 418")).toBeVisible();
  await expect(result).toContainText(`Matched route: ${route.name}`);
  const row = result
    .getByRole("table", { name: "Plugin trace" })
    .getByRole("row", { name: /request-termination/ });
  await expect(row).toContainText("access");
  await expect(row).toContainText("exit");
  await expect(result.getByLabel("Response body")).toContainText("simulated teapot");
  expect(consoleErrors).toEqual([]);
});
