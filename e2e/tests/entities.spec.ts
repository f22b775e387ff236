import { expect, test } from "../fixtures/index.js";
import { EntityFormPage } from "../models/pages/entity-form-page.js";

test("a service and a route created in the UI answer through the data plane", async ({
  page,
  gateway,
  seed,
  uniqueName,
}) => {
  const name = uniqueName("ui-svc");
  const form = new EntityFormPage(page, "service");
  await page.goto("/services/new");
  await form.textbox("Name").fill(name);
  await form.textbox("Upstream URL").fill(await seed.echoUrl());
  await form.create.click();
  await expect(page).toHaveURL(/\/services\/[0-9a-f-]{36}$/);
  seed.track(`/api/v1/services/${page.url().split("/").pop()}`);

  const route = new EntityFormPage(page, "route");
  await page.goto("/routes/new");
  await route.textbox("Name").fill(name);
  await route.choose("Service", name);
  await route.addListValues("Paths", [`/${name}`]);
  await route.create.click();
  await expect(page).toHaveURL(/\/routes\/[0-9a-f-]{36}$/);
  seed.track(`/api/v1/routes/${page.url().split("/").pop()}`);

  await expect
    .poll(async () => (await gateway.get(`/${name}/hello`)).status(), { timeout: 15_000 })
    .toBe(200);
});

test("the API's field errors are shown next to the fields and nothing is created", async ({
  page,
  adminApi,
  uniqueName,
}) => {
  const name = uniqueName("bad-svc");
  const form = new EntityFormPage(page, "service");
  await page.goto("/services/new");
  await form.textbox("Name").fill(name);
  await form.textbox("Upstream URL").fill("not a url");
  await form.create.click();

  await expect(form.fieldError("Upstream URL")).toBeVisible();
  await expect(form.alert.first()).toContainText("url");
  await expect(page).toHaveURL(/\/services\/new$/);
  expect((await adminApi.get(`/api/v1/services/${name}`)).status()).toBe(404);
});

test("deleting a route asks first, then the data plane stops routing it", async ({
  page,
  gateway,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("del");
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);

  const form = new EntityFormPage(page, "route");
  await page.goto(`/routes/${route.id}`);
  await form.delete.click();
  await expect(form.dialog).toContainText(`Delete route ${route.name}?`);
  await form.dialog.getByRole("button", { name: "Delete" }).click();

  await expect(page).toHaveURL(/\/routes$/);
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(404);
});

test("a stale edit is refused and offers to reload", async ({ page, adminApi, seed }) => {
  const { service } = await seed.serviceWithRoute("stale");
  const form = new EntityFormPage(page, "service");
  await page.goto(`/services/${service.id}`);
  await expect(form.textbox("Name")).toHaveValue(service.name);

  // Someone else saves in between.
  const other = await adminApi.patch(`/api/v1/services/${service.id}`, { data: { retries: 2 } });
  expect(other.status()).toBe(200);

  await form.textbox("Retries").fill("7");
  await form.save.click();
  await expect(form.staleAlert).toBeVisible();
  await form.reload.click();
  await expect(form.textbox("Retries")).toHaveValue("2");
  await expect(form.staleAlert).toHaveCount(0);
});
