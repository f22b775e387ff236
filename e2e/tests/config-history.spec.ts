import { expect, test } from "../fixtures/index.js";

test("rolling back to an earlier version brings the old behaviour back", async ({
  page,
  adminApi,
  gateway,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("rollback");
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);
  const versions = await (await adminApi.get("/api/v1/config/versions?size=1")).json();
  const before: number = versions.data[0].version;

  const r = await adminApi.post("/api/v1/plugins", {
    data: {
      name: "request-termination",
      route: { id: route.id },
      config: { status_code: 503, message: "closed" },
    },
  });
  expect(r.status()).toBe(201);
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(503);

  await page.goto("/config");
  const row = page.getByRole("table", { name: "Config versions" }).getByRole("row", {
    name: new RegExp(`^${before} `),
  });
  await row.getByRole("button", { name: `Roll back to ${before}` }).click();
  const dialog = page.getByRole("dialog", { name: `Roll back to version ${before}?` });
  await dialog.getByRole("button", { name: "Roll back" }).click();
  await expect(page.getByRole("table", { name: "Config versions" })).toContainText(
    `rollback to version ${before}`,
  );

  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);
});

test("two versions compare side by side with the API's diff", async ({ page, seed }) => {
  const { service } = await seed.serviceWithRoute("compare");
  await page.goto("/config");
  await page.getByRole("button", { name: "Compare" }).click();
  const compare = page.getByRole("region", { name: "Compare versions" });
  await expect(compare.getByRole("table", { name: "Changes between the versions" })).toContainText(
    "added",
  );
  await expect(compare.getByLabel(/^Version \d+$/).last()).toContainText(service.name);
});

test("an import shows its dry-run diff before it is applied", async ({
  page,
  adminApi,
  gateway,
  uniqueName,
  seed,
}) => {
  const name = uniqueName("imported");
  const echo = await seed.echoUrl();
  // Deleted in reverse order: the route, then the service.
  seed.track(`/api/v1/services/${name}`);
  seed.track(`/api/v1/routes/${name}`);
  const file = [
    "_format_version: '3.0'",
    "services:",
    `  - name: ${name}`,
    `    url: ${echo}`,
    "    routes:",
    `      - name: ${name}`,
    `        paths: [/${name}]`,
  ].join("\n");

  await page.goto("/config");
  await page.getByRole("tab", { name: "Import / export" }).click();
  await page.getByRole("textbox", { name: "Mode" }).click();
  await page.getByRole("option", { name: /^partial/ }).click();
  await page.getByRole("textbox", { name: "Declarative file (YAML or JSON)" }).fill(file);
  await page.getByRole("button", { name: "Preview changes (dry run)" }).click();
  const preview = page.getByRole("table", { name: "Import preview" });
  await expect(
    preview.getByRole("row", { name: new RegExp(`added services ${name}`) }),
  ).toBeVisible();
  expect((await adminApi.get(`/api/v1/services/${name}`)).status()).toBe(404);

  await page.getByRole("button", { name: "Apply import" }).click();
  await expect.poll(async () => (await gateway.get(`/${name}`)).status()).toBe(200);
});
