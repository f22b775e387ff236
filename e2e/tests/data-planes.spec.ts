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
  await expect(page.getByRole("region", { name: "Data planes" })).toContainText(/1 of 1 in sync/);
});
