// Issue 13, "Pages and navigation": idle pages stay idle, the dark theme hydrates cleanly, config
// history restores and compares exactly.
import { expect, test } from "../fixtures/index.js";

test("the audit log asks the API once, then stays idle (no refetch loop)", async ({ page }) => {
  const calls: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/v1/audit") calls.push(request.url());
  });
  await page.goto("/audit");
  await expect(
    page.getByRole("table", { name: "Audit log" }).getByRole("row").nth(1),
  ).toBeVisible();
  const settled = calls.length;
  expect(settled).toBeGreaterThanOrEqual(1);
  // Idle for 3 s: with the refetch loop this was about 9 more calls.
  await page.waitForTimeout(3_000);
  expect(calls.length, calls.join("\n")).toBe(settled);

  // A filter change fetches again, once (debounced), then idle again.
  await page.getByRole("textbox", { name: "Action" }).fill("create");
  await expect.poll(() => calls.length).toBe(settled + 1);
  await page.waitForTimeout(2_000);
  expect(calls.length).toBe(settled + 1);
  expect(new URL(calls[calls.length - 1] ?? "").searchParams.get("action")).toBe("create");
});

test("after switching to the dark theme, a reload hydrates without a console error", async ({
  page,
  consoleErrors,
}) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  for (const path of ["/dashboard", "/services", "/config", "/audit", "/plugins"]) {
    await page.goto(path);
    await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();
    await page.waitForLoadState("networkidle");
  }
  expect(consoleErrors).toEqual([]);
  await page.getByRole("button", { name: "Switch to light theme" }).click();
});

test("rollback restores exactly the old document: same hash, and the diff to it is empty", async ({
  adminApi,
  seed,
}) => {
  const { route } = await seed.serviceWithRoute("exact");
  const list = async () =>
    (await (await adminApi.get("/api/v1/config/versions?size=1")).json()).data[0] as {
      version: number;
      hash: string;
      message: string;
    };
  const before = await list();
  // The seeded demo's plugin was stored without its defaults ("echo": false): a rollback must not add them.
  const plugin = await adminApi.post(`/api/v1/routes/${route.id}/plugins`, {
    data: { name: "rate-limiting", config: { minute: 5, policy: "local" } },
  });
  expect(plugin.status()).toBe(201);
  const enabled = await list();
  expect(enabled.message).toBe(`enable rate-limiting on route ${route.name}`);

  const rolled = await adminApi.post(`/api/v1/config/versions/${before.version}/rollback`);
  expect(rolled.status(), await rolled.text()).toBe(200);
  const after = await list();
  expect(after.message).toBe(`rollback to version ${before.version}`);
  expect(after.hash).toBe(before.hash);
  const diff = await (
    await adminApi.get(`/api/v1/config/versions/diff?from=${before.version}&to=${after.version}`)
  ).json();
  for (const [kind, entries] of Object.entries(diff.diff as Record<string, unknown>)) {
    expect(entries, kind).toEqual({ added: [], changed: [], deleted: [] });
  }
});

test("picking the already selected version again keeps the comparison", async ({ page, seed }) => {
  await seed.serviceWithRoute("reselect");
  await page.goto("/config");
  const compare = page.getByRole("region", { name: "Compare versions" });
  const to = compare.getByRole("textbox", { name: "To version" });
  await expect(to).not.toHaveValue("");
  const chosen = await to.inputValue();
  await to.click();
  await page.getByRole("option", { name: chosen, exact: true }).click();
  await expect(to).toHaveValue(chosen);
  await compare.getByRole("button", { name: "Compare" }).click();
  await expect(compare.getByRole("table", { name: "Changes between the versions" })).toBeVisible();
});
