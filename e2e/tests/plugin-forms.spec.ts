import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../fixtures/index.js";
import { PluginPage } from "../models/pages/plugin-page.js";
import type { Schema } from "../support/schema-fill.js";
import { plan } from "../support/schema-fill.js";

interface CatalogEntry {
  name: string;
  scopes: string[];
  schema: Schema;
  secret_fields: string[];
}

const MASK = "********";

function maskAt(config: Record<string, unknown>, dotted: string): void {
  const parts = dotted.split(".");
  let node: unknown = config;
  for (const p of parts.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[p];
  const last = parts[parts.length - 1] as string;
  if (node && typeof node === "object" && (node as Record<string, unknown>)[last] != null) {
    (node as Record<string, unknown>)[last] = MASK;
  }
}

/**
 * Every plugin of the catalog: the built-ins and the example third-party plugin the stack loads
 * (GATEHOUSE_PLUGINS). One test per plugin, so that they run in parallel and a failure names its
 * plugin; the first test proves this list is the catalog (a new plugin without its test fails there).
 */
const PLUGINS = [
  "acl",
  "basic-auth",
  "bot-detection",
  "correlation-id",
  "cors",
  "error-pages",
  "file-log",
  "hello",
  "http-log",
  "ip-restriction",
  "jwt",
  "key-auth",
  "mock",
  "openid-connect",
  "opentelemetry",
  "prometheus",
  "proxy-cache",
  "rate-limiting",
  "request-size-limiting",
  "request-termination",
  "request-transformer",
  "request-validator",
  "response-transformer",
];

async function catalogOf(adminApi: APIRequestContext): Promise<CatalogEntry[]> {
  const response = await adminApi.get("/api/v1/catalog");
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { data: CatalogEntry[] }).data;
}

test.describe.configure({ mode: "parallel" });

test("the catalog is the plugins whose forms are tested here", async ({ adminApi }) => {
  const names = (await catalogOf(adminApi)).map((p) => p.name);
  expect(names).toContain("hello");
  expect(names.length).toBeGreaterThanOrEqual(18);
  expect([...names].sort()).toEqual([...PLUGINS].sort());
});

// Each field filled through its control with a value derived from the plugin's schema, saved, and
// read back.
for (const name of PLUGINS) {
  test(`${name}: the enable form can be filled through its controls and saves exactly what was entered`, async ({
    page,
    adminApi,
    seed,
  }) => {
    // one or two passes (the exclusive fields), each with a page and a save; a busy machine is slow
    test.setTimeout(180_000);
    const entry = (await catalogOf(adminApi)).find((p) => p.name === name);
    expect(entry, `${name} in the catalog`).toBeDefined();
    if (!entry) return;

    const plugin = new PluginPage(page);
    const passes = [plan(entry.schema)];
    if (passes[0]!.skipped.length) passes.push(plan(entry.schema, new Set(passes[0]!.skipped)));
    for (const [n, pass] of passes.entries()) {
      await test.step(`${entry.name}${n ? " (exclusive fields)" : ""}`, async () => {
        // A route (or, for consumer-only plugins, a consumer) of its own for each pass.
        const { route } = await seed.serviceWithRoute(`form-${entry.name}`);
        const scope = entry.scopes.includes("route") ? "Route" : "Consumer";
        const target = scope === "Route" ? route : await seed.consumerWithKey(`form-${entry.name}`);
        const targetName = "name" in target ? target.name : target.username;
        await plugin.goto(entry.name);
        await plugin.startEnable(scope, targetName);
        // No rjsf "Option 1 / Option 2" pickers: every shape has its own control.
        await expect(plugin.form.getByText(/^Option \d+$/)).toHaveCount(0);
        await pass.fill(plugin.form);
        await plugin.enableButton.click();
        await expect(plugin.errors).toHaveCount(0);
        await expect(plugin.tab(/Enabled \(\d+\)/)).toHaveAttribute("aria-selected", "true");

        const kind = scope === "Route" ? "routes" : "consumers";
        const saved = (await (
          await adminApi.get(`/api/v1/${kind}/${target.id}/plugins?name=${entry.name}`)
        ).json()) as { data: { name: string; config: Record<string, unknown> }[] };
        const instance = saved.data.find((p) => p.name === entry.name);
        const expected = structuredClone(pass.expected);
        for (const f of entry.secret_fields) maskAt(expected, f);
        expect(instance?.config, entry.name).toEqual(expected);
      });
    }
  });
}
