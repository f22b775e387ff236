import { expect, test } from "../fixtures/index.js";

test("a route page shows the effective plugin chain by phase, each with its scope", async ({
  page,
  adminApi,
  gateway,
  seed,
}) => {
  const { service, route } = await seed.serviceWithRoute("chain");
  const consumer = await seed.consumerWithKey("chain-user");
  for (const body of [
    { name: "key-auth", route: { id: route.id } },
    {
      name: "response-transformer",
      service: { id: service.id },
      config: { add: { headers: ["X-Chain:service"] } },
    },
    {
      name: "response-transformer",
      route: { id: route.id },
      config: { add: { headers: ["X-Chain:route"] } },
    },
    {
      name: "request-transformer",
      consumer: { id: consumer.id },
      config: { add: { headers: ["X-From-Consumer:yes"] } },
    },
  ]) {
    const r = await adminApi.post("/api/v1/plugins", { data: body });
    expect(r.status(), await r.text()).toBe(201);
  }

  await page.goto(`/routes/${route.id}`);
  const chain = page.getByRole("region", { name: "Effective plugin chain" });
  const access = chain.getByRole("table", { name: "Phase access" });
  await expect(access.getByRole("row", { name: /key-auth/ })).toContainText("route");
  const headers = chain.getByRole("table", { name: "Phase header_filter" });
  await expect(headers.getByRole("row", { name: /response-transformer/ })).toContainText(
    "overrides service",
  );
  await expect(chain.getByRole("table", { name: "Phase rewrite" }).or(access)).toContainText(
    "request-transformer",
  );
  await expect(chain).toContainText(`when ${consumer.username} is authenticated`);

  // What the chain says is what the data plane does: key-auth first, then the route's transformer.
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(401);
  const ok = await gateway.get(route.path, { headers: { apikey: consumer.key } });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["x-chain"]).toBe("route");
  expect(await ok.text()).toMatch(/x-from-consumer/i);
});

test("from a route page, a plugin picked in the marketplace is enabled on that route", async ({
  page,
  gateway,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("from-route");
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(200);

  await page.goto(`/routes/${route.id}`);
  await page.getByRole("link", { name: "Add a plugin to this route" }).click();
  await expect(page.getByText("Choose a plugin for this route")).toBeVisible();
  await page.getByRole("link", { name: "Request Termination" }).click();

  const panel = page.getByRole("region", { name: "Enable Request Termination" });
  await expect(panel.getByRole("textbox", { name: "Route", exact: true })).toHaveValue(route.name);
  await panel.getByRole("switch", { name: "Edit as raw JSON" }).check({ force: true });
  await panel
    .getByRole("textbox", { name: "Configuration (JSON)" })
    .fill('{"status_code": 451, "message": "not here"}');
  await panel.getByRole("button", { name: "Enable plugin" }).click();

  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(451);
  await page.goto(`/routes/${route.id}`);
  await expect(
    page
      .getByRole("table", { name: "Phase access" })
      .getByRole("row", { name: /request-termination/ }),
  ).toContainText("route");
});
