import { expect, test } from "../fixtures/index.js";

// `npm start` / `npm test` seed this service (an upstream echo server with a route to it).
const SEEDED_SERVICE = "demo-echo";

test("the services page lists the seeded service", async ({ servicesPage }) => {
  await servicesPage.goto();

  await expect(servicesPage.heading).toBeVisible();
  await expect(servicesPage.row(SEEDED_SERVICE)).toBeVisible();
  await expect(servicesPage.upstreamUrl(SEEDED_SERVICE)).toHaveText(/^https?:\/\/[^/:]+:\d+/);
  await expect(servicesPage.routeCount(SEEDED_SERVICE)).toHaveText(/^[1-9]\d*$/);
});

test("the services page loads without console errors", async ({ servicesPage, consoleErrors }) => {
  await servicesPage.goto();
  await expect(servicesPage.row(SEEDED_SERVICE)).toBeVisible();

  expect(consoleErrors).toEqual([]);
});

test("the home page redirects to the services page", async ({ page, servicesPage }) => {
  await page.goto("/");

  await expect(page).toHaveURL(/\/services$/);
  await expect(servicesPage.heading).toBeVisible();
});
