import type { Metadata } from "next";
import { Marketplace } from "@/components/marketplace/marketplace";
import { PluginIcon } from "@/components/marketplace/plugin-icon";
import { requirePageSession } from "@/server/auth/page-session";
import { listCatalog } from "@/server/catalog/list-catalog";
import { pluginDefinitions } from "@/server/catalog/plugins";
import { pluginUsage } from "@/server/catalog/plugin-usage";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Plugin marketplace" };

export default async function PluginsPage() {
  await requirePageSession("/plugins");
  const [catalog, usage] = await Promise.all([listCatalog(), pluginUsage()]);
  const defs = pluginDefinitions();
  const cards = catalog.map((p) => ({
    name: p.name,
    version: p.version,
    title: p.title,
    summary: p.summary,
    category: p.category,
    availableOn: p.available_on,
    dataPlanes: p.data_planes,
    enabled: usage.get(p.name) ?? 0,
    icon: <PluginIcon name={defs.get(p.name)?.meta.icon ?? null} />,
  }));
  return (
    <>
      <h1>Plugin marketplace</h1>
      <p className="lead">
        Every plugin the data planes run: the built-in ones and those installed with
        GATEHOUSE_PLUGINS. Open one for its documentation, then enable it globally or on a service,
        route or consumer.
      </p>
      <Marketplace plugins={cards} />
    </>
  );
}
