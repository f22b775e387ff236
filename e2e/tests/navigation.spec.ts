// Issue 13, "Pages and navigation": names and breadcrumbs on detail pages, a service's routes with
// "Add route" prefilled, a route's link to its service, empty states that explain.
import { expect, test } from "../fixtures/index.js";

test("a service page carries its name and breadcrumbs, lists its routes, and Add route starts on it", async ({
  page,
  seed,
}) => {
  const { service, route } = await seed.serviceWithRoute("named");
  await page.goto(`/services/${service.id}`);
  await expect(
    page.getByRole("heading", { level: 1, name: `Service ${service.name}` }),
  ).toBeVisible();
  await expect(page).toHaveTitle(`Service ${service.name} · Gatehouse`);
  const crumbs = page.getByRole("navigation", { name: "Breadcrumbs" });
  await expect(crumbs.getByRole("link", { name: "Services" })).toHaveAttribute("href", "/services");
  await expect(crumbs).toContainText(service.name);

  const routes = page.getByRole("table", { name: "Routes of this service" });
  await routes.getByRole("link", { name: route.name }).click();
  await expect(page).toHaveURL(new RegExp(`/routes/${route.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: `Route ${route.name}` })).toBeVisible();
  // the route page links back to its service (breadcrumbs and the lead sentence)
  const routeCrumbs = page.getByRole("navigation", { name: "Breadcrumbs" });
  await expect(routeCrumbs.getByRole("link", { name: service.name })).toHaveAttribute(
    "href",
    `/services/${service.id}`,
  );
  await page.getByRole("main").getByRole("link", { name: service.name }).last().click();
  await expect(page).toHaveURL(new RegExp(`/services/${service.id}$`));

  await page.getByRole("link", { name: "Add route" }).click();
  await expect(page).toHaveURL(new RegExp(`/routes/new\\?service=${service.id}$`));
  await expect(page.getByRole("textbox", { name: "Service" })).toHaveValue(service.name);
});

test("a consumer page carries the consumer's name and breadcrumbs", async ({ page, seed }) => {
  const consumer = await seed.consumerWithKey("crumbs");
  await page.goto(`/consumers/${consumer.id}`);
  await expect(
    page.getByRole("heading", { level: 1, name: `Consumer ${consumer.username}` }),
  ).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("link", { name: "Consumers" }),
  ).toBeVisible();
});

test("an empty list says what the entity is and offers to create one", async ({ page }) => {
  // The stack's consumers: none unless a test made one (they delete theirs). Filter-free list.
  await page.route("**/api/v1/consumers?*", (route) =>
    route.fulfill({ json: { data: [], offset: null, next: null } }),
  );
  await page.goto("/consumers");
  const empty = page.getByRole("region", { name: "No consumers yet" });
  await expect(empty).toContainText("A consumer is a client of your APIs");
  await empty.getByRole("link", { name: "Create your first consumer" }).click();
  await expect(page).toHaveURL(/\/consumers\/new$/);
});
