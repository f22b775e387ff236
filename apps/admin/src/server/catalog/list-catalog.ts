import "server-only";
import { configJsonSchema } from "@gatehouse/plugin-kit";
import { pluginReadme } from "@/server/catalog/plugin-readme";
import { pluginDefinitions, secretPaths } from "@/server/catalog/plugins";
import { db } from "@/server/db";

/** Every plugin with metadata, JSON Schema and on how many registered data planes it is available. */
export async function listCatalog() {
  const planes = await db().dataPlane.findMany({ select: { plugins: true } });
  const count = (name: string, version: string) =>
    planes.filter(
      (p) =>
        Array.isArray(p.plugins) &&
        (p.plugins as { name?: unknown; version?: unknown }[]).some(
          (x) => x?.name === name && x?.version === version,
        ),
    ).length;
  return [...pluginDefinitions().values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((def) => ({
      name: def.name,
      version: def.version,
      priority: def.priority,
      title: def.meta.title ?? def.name,
      category: def.meta.category ?? null,
      summary: def.meta.summary ?? null,
      readme: pluginReadme(def.name),
      scopes: def.meta.scopes,
      phases: def.meta.phases,
      secret_fields: secretPaths(def.name).map((p) => p.join(".")),
      schema: configJsonSchema(def),
      // null until data planes register (distribution); then the number that have this version.
      available_on: planes.length === 0 ? null : count(def.name, def.version),
      data_planes: planes.length,
    }));
}
