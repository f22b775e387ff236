// Issue 13, "Accessibility": axe-core finds no serious or critical violation on any console page,
// in the light and the dark theme. Every page is visited with data in it (a seeded service, route
// and consumer with a credential and a plugin), and the pages that change state on use (plugin tabs,
// the simulator's result, a version comparison, the sign-in error) are checked in that state too.
//
// No rule is disabled. Should one ever have to be, name it in `disabledRules` with the reason.
import AxeBuilder from "@axe-core/playwright";
import { makeCertificate } from "@gatehouse/config/testing";
import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures/index.js";
import type { Seeded } from "../fixtures/seed.js";
import { adminStorageState } from "../support/auth.js";
import { adminUrl } from "../support/env.js";

/** rule id → why it is off (empty: every rule runs) */
const disabledRules: Record<string, string> = {};

interface World extends Seeded {
  consumer: { id: string; username: string };
  certificate: { id: string };
  upstream: { id: string };
}

interface Visit {
  name: string;
  path: (w: World) => string;
  /** after the page loaded: bring it into the state to check, and wait for its content */
  then?: (page: Page, w: World) => Promise<void>;
  /** check signed out */
  anonymous?: boolean;
}

const heading = (page: Page) => expect(page.getByRole("heading", { level: 1 })).toBeVisible();
const table = (name: string) => async (page: Page) => {
  await expect(page.getByRole("table", { name }).getByRole("row").nth(1)).toBeVisible();
};
const pluginTab =
  (tab: string | RegExp, ready: (page: Page) => Promise<void>) => async (page: Page) => {
    await page.getByRole("tab", { name: tab, exact: typeof tab === "string" }).click();
    await ready(page);
  };

const visits: Visit[] = [
  { name: "dashboard", path: () => "/dashboard" },
  { name: "service list", path: () => "/services" },
  { name: "new service", path: () => "/services/new" },
  {
    name: "service detail",
    path: (w) => `/services/${w.service.id}`,
    then: table("Routes of this service"),
  },
  { name: "route list", path: () => "/routes" },
  { name: "new route", path: () => "/routes/new" },
  { name: "route detail", path: (w) => `/routes/${w.route.id}` },
  { name: "consumer list", path: () => "/consumers" },
  { name: "new consumer", path: () => "/consumers/new" },
  { name: "consumer detail", path: (w) => `/consumers/${w.consumer.id}` },
  { name: "certificate list", path: () => "/certificates" },
  { name: "new certificate", path: () => "/certificates/new" },
  // expiring within 30 days: the warning badge is part of what is checked
  { name: "certificate detail", path: (w) => `/certificates/${w.certificate.id}` },
  { name: "upstream list", path: () => "/upstreams" },
  { name: "new upstream", path: () => "/upstreams/new" },
  { name: "upstream detail", path: (w) => `/upstreams/${w.upstream.id}` },
  { name: "marketplace", path: () => "/plugins" },
  { name: "plugin overview", path: () => "/plugins/rate-limiting" },
  {
    name: "plugin configuration reference",
    path: () => "/plugins/rate-limiting",
    then: pluginTab("Configuration reference", heading),
  },
  {
    name: "plugin examples",
    path: () => "/plugins/rate-limiting",
    then: pluginTab("Examples", heading),
  },
  {
    name: "plugin instances",
    path: () => "/plugins/rate-limiting",
    then: pluginTab(/^Enabled \(/, table("Instances")),
  },
  {
    name: "plugin enable form",
    path: () => "/plugins/rate-limiting",
    then: pluginTab("Enable", async (page) => {
      const panel = page.getByRole("region", { name: /^Enable / });
      await panel.getByRole("radio", { name: "Route", exact: true }).check();
      await expect(panel.getByRole("textbox", { name: "Second", exact: true })).toBeVisible();
    }),
  },
  { name: "data planes", path: () => "/data-planes", then: table("Data planes") },
  {
    name: "request simulator with a result",
    path: () => "/simulator",
    then: async (page, w) => {
      await page.getByRole("textbox", { name: "Path" }).fill(`${w.route.path}/a11y`);
      await page.getByRole("button", { name: "Send request" }).click();
      await expect(page.getByRole("region", { name: "Result" })).toContainText(w.route.name);
    },
  },
  {
    name: "config history with a comparison",
    path: () => "/config",
    then: async (page) => {
      await page.getByRole("button", { name: "Compare" }).click();
      await expect(
        page.getByRole("table", { name: "Changes between the versions" }).getByRole("row").nth(1),
      ).toBeVisible();
    },
  },
  { name: "audit log", path: () => "/audit", then: table("Audit log") },
  { name: "API tokens", path: () => "/tokens" },
  { name: "users", path: () => "/users", then: table("Users") },
  { name: "settings", path: () => "/settings" },
  { name: "API reference", path: () => "/api-reference" },
  { name: "your account", path: () => "/account" },
  { name: "sign-in page", path: () => "/login", anonymous: true },
  {
    // the error style of the form (a failed sign-in would add to the address's throttle)
    name: "sign-in page with an error",
    path: () => "/login?denied=1",
    anonymous: true,
    then: (page) => expect(page.getByText("does not have access to that page")).toBeVisible(),
  },
];

/**
 * The rules a color scheme can change: the themes differ in colors only (same markup, same
 * structure), so the dark pass runs these and the light pass runs every rule.
 */
const colorRules = ["color-contrast", "link-in-text-block"];

/** Serious and critical violations, one line each: rule, impact, what it says, where. */
async function seriousViolations(page: Page, only?: string[]): Promise<string[]> {
  let builder = new AxeBuilder({ page }).disableRules(Object.keys(disabledRules));
  if (only) builder = builder.withRules(only.filter((r) => !(r in disabledRules)));
  const results = await builder.analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes.map(
        (n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(" ")}: ${n.failureSummary}`,
      ),
    );
}

// One seeded world for every page: a service with a route, a plugin on the route, a consumer with a
// key (deleted after the suite; plugins and credentials go with their entity).
let world: World;
const created: string[] = [];

// The visits run in parallel (both workers): each worker seeds a world of its own in its beforeAll.
test.beforeAll(async ({ playwright }, testInfo) => {
  const api = await playwright.request.newContext({
    baseURL: adminUrl,
    storageState: adminStorageState,
    extraHTTPHeaders: { origin: adminUrl },
  });
  const post = async <T>(path: string, data: unknown): Promise<T> => {
    const r = await api.post(path, { data });
    expect(r.status(), `POST ${path}: ${await r.text()}`).toBe(201);
    return (await r.json()) as T;
  };
  const name = `a11y-${testInfo.workerIndex}-${Date.now().toString(36)}`;
  const demo = (await (await api.get("/api/v1/services/demo-echo")).json()) as {
    protocol: string;
    host: string;
    port: number;
  };
  const service = await post<{ id: string; name: string }>("/api/v1/services", {
    name,
    url: `${demo.protocol}://${demo.host}:${demo.port}`,
  });
  created.push(`/api/v1/services/${service.id}`);
  const route = await post<{ id: string; name: string }>("/api/v1/routes", {
    name,
    service: { id: service.id },
    paths: [`/${name}`],
  });
  created.push(`/api/v1/routes/${route.id}`);
  await post("/api/v1/plugins", {
    name: "rate-limiting",
    route: { id: route.id },
    config: { minute: 100 },
  });
  const consumer = await post<{ id: string; username: string }>("/api/v1/consumers", {
    username: name,
  });
  created.push(`/api/v1/consumers/${consumer.id}`);
  await post(`/api/v1/consumers/${consumer.id}/key-auth`, { key: `${name}-key` });
  const host = `${name}.a11y.test`;
  const pair = makeCertificate({ cn: host, sans: [host], days: 10 });
  const certificate = await post<{ id: string }>("/api/v1/certificates", {
    cert: pair.cert,
    key: pair.key,
  });
  created.push(`/api/v1/certificates/${certificate.id}`);
  await post(`/api/v1/certificates/${certificate.id}/snis`, { name: host });
  const upstream = await post<{ id: string }>("/api/v1/upstreams", { name: `${name}.upstream` });
  created.push(`/api/v1/upstreams/${upstream.id}`);
  await post(`/api/v1/upstreams/${upstream.id}/targets`, { target: "127.0.0.1:9", weight: 100 });
  world = { service, route: { ...route, path: `/${name}` }, consumer, certificate, upstream };
  await api.dispose();
});

test.afterAll(async ({ playwright }) => {
  const api = await playwright.request.newContext({
    baseURL: adminUrl,
    storageState: adminStorageState,
    extraHTTPHeaders: { origin: adminUrl },
  });
  for (const path of created.reverse()) await api.delete(path);
  await api.dispose();
});

// Each page is loaded once in the light theme (every rule), then switched to the dark theme in place
// (the console follows the system's color scheme live) and checked again for the color rules.
test.describe("light and dark theme", () => {
  test.use({ colorScheme: "light" });
  // axe walks the whole page: a big one (a diff, the marketplace, the API reference) takes a while on
  // a busy machine (the API reference's two axe runs took over 180 s beside the other worker at load 30)
  test.describe.configure({ mode: "parallel", timeout: 360_000 });
  for (const visit of visits) {
    test(`${visit.name}: no serious or critical axe violation`, async ({ browser, page }) => {
      let target = page;
      if (visit.anonymous) {
        const context = await browser.newContext({
          storageState: { cookies: [], origins: [] },
          colorScheme: "light",
        });
        target = await context.newPage();
      }
      const path = visit.path(world);
      await target.goto(path);
      await heading(target);
      // the page itself, not the sign-in page it may redirect to
      expect(new URL(target.url()).pathname).toBe(path.split("?")[0]);
      await visit.then?.(target, world);
      const scheme = target.locator("html");
      await expect(scheme).toHaveAttribute("data-mantine-color-scheme", "light");
      expect(await seriousViolations(target), "light theme").toEqual([]);
      await target.emulateMedia({ colorScheme: "dark" });
      await expect(scheme).toHaveAttribute("data-mantine-color-scheme", "dark");
      expect(await seriousViolations(target, colorRules), "dark theme").toEqual([]);
      if (visit.anonymous) await target.context().close();
    });
  }
});
