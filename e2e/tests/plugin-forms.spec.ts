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

// Every plugin of the catalog (the built-ins and the example third-party plugin the stack loads), each
// field filled through its control with a value derived from its schema, saved, and read back.
test("every plugin's enable form can be filled through its controls and saves exactly what was entered", async ({
  page,
  adminApi,
  seed,
}) => {
  test.setTimeout(600_000);
  const catalog = (await (await adminApi.get("/api/v1/catalog")).json()) as {
    data: CatalogEntry[];
  };
  const names = catalog.data.map((p) => p.name);
  expect(names).toContain("hello");
  expect(names.length).toBeGreaterThanOrEqual(18);

  const plugin = new PluginPage(page);
  for (const entry of catalog.data) {
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
  }
});
