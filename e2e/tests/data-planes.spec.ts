import { expect, test } from "../fixtures/index.js";

test("the data planes page shows the stack's gateway in sync with the newest version", async ({
  page,
  adminApi,
  seed,
}) => {
  await seed.serviceWithRoute("dp");
  const newest = (await (await adminApi.get("/api/v1/config/versions?size=1")).json()).data[0]
    .version as number;

  await page.goto("/data-planes");
  const table = page.getByRole("table", { name: "Data planes" });
  const row = table.getByRole("row").nth(1);
  await expect(row).toContainText("in sync");
  await expect(row).toContainText(new RegExp(`${newest} of ${newest}`));
  await expect(row).toContainText("0.1.0");
});

test("the dashboard counts entities and data planes in sync", async ({ page }) => {
  await page.goto("/dashboard");
  await expect(page.getByRole("region", { name: "Services" })).toContainText(/\d+/);
  // Server-rendered: the previous test's clean-up may still be being pushed, so look again until in sync.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("region", { name: "Data planes" })).toContainText(
      /1 of 1 in sync/,
      { timeout: 1000 },
    );
  }).toPass({ timeout: 15_000 });
});

test("the dashboard charts the data plane's traffic: status classes and p95 per route", async ({
  page,
  gateway,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("traffic");
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);
  for (let i = 0; i < 12; i++) expect((await gateway.get(route.path)).status()).toBe(200);

  await page.goto("/dashboard");
  await expect(page.getByRole("region", { name: "Status classes" })).toContainText(/2xx: [1-9]\d*/);
  await expect(page.getByRole("region", { name: "p95 latency per route" })).toContainText(
    route.name,
  );
  // The page refreshes itself: the second scrape gives a rate.
  await expect(
    page.getByRole("region", { name: "Requests per second" }).locator(".recharts-surface"),
  ).toBeVisible({ timeout: 15_000 });
});
