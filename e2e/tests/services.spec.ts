import { expect, test } from "../fixtures/index.js";

// `npm start` / `npm test` seed this service (an upstream echo server with a route to it).
const SEEDED_SERVICE = "demo-echo";

test("the services page lists the seeded service", async ({ servicesPage }) => {
  await servicesPage.goto();

  await expect(servicesPage.heading).toBeVisible();
  await expect(servicesPage.row(SEEDED_SERVICE)).toBeVisible();
  await expect(servicesPage.upstreamUrl(SEEDED_SERVICE)).toHaveText(/^https?:\/\/[^/:]+:\d+/);
});

test("the services page loads without console errors", async ({ servicesPage, consoleErrors }) => {
  await servicesPage.goto();
  await expect(servicesPage.row(SEEDED_SERVICE)).toBeVisible();

  expect(consoleErrors).toEqual([]);
});

test("the home page redirects to the dashboard", async ({ page }) => {
  await page.goto("/");

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
});

test("search and the tag filter narrow the list", async ({ servicesPage, seed }) => {
  const { service } = await seed.serviceWithRoute("listed");
  await servicesPage.goto();

  await servicesPage.search.fill(service.name);
  await expect(servicesPage.rows()).toHaveText([service.name]);

  await servicesPage.search.fill("");
  await servicesPage.tagFilter.fill("demo");
  await servicesPage.tagFilter.press("Enter");
  await expect(servicesPage.row(SEEDED_SERVICE)).toBeVisible();
  await expect(servicesPage.row(service.name)).toHaveCount(0);
});
