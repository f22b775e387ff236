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

test("the list pages through the API's cursor", async ({
  page,
  adminApi,
  servicesPage,
  uniqueName,
  seed,
}) => {
  const tag = uniqueName("page");
  const echo = await seed.echoUrl();
  const names = [uniqueName("p-a"), uniqueName("p-b"), uniqueName("p-c")];
  for (const name of names) {
    const r = await adminApi.post("/api/v1/services", { data: { name, url: echo, tags: [tag] } });
    expect(r.status()).toBe(201);
    seed.track(`/api/v1/services/${name}`);
  }
  await servicesPage.goto();
  await servicesPage.tagFilter.fill(tag);
  await servicesPage.tagFilter.press("Enter");
  await page.getByRole("textbox", { name: "Rows per page" }).click();
  await page.getByRole("option", { name: "2", exact: true }).click();

  await expect(servicesPage.rows()).toHaveText(names.slice(0, 2));
  await servicesPage.nextPage.click();
  await expect(servicesPage.rows()).toHaveText(names.slice(2));
  await expect(servicesPage.nextPage).toBeDisabled();
  await servicesPage.previousPage.click();
  await expect(servicesPage.rows()).toHaveText(names.slice(0, 2));
});
