import { configJsonSchema } from "@gatehouse/plugin-kit";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PluginDetail } from "@/components/marketplace/plugin-detail";
import { PluginIcon } from "@/components/marketplace/plugin-icon";
import { requirePageSession } from "@/server/auth/page-session";
import { pluginReadme } from "@/server/catalog/plugin-readme";
import { pluginDefinitions, secretPaths } from "@/server/catalog/plugins";

export const dynamic = "force-dynamic";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ name: string }>;
}): Promise<Metadata> {
  const { name } = await params;
  return { title: pluginDefinitions().get(name)?.meta.title ?? name };
}

/** Code blocks of the README (yaml / json): the plugin's examples. */
function examplesOf(readme: string): { lang: string; code: string }[] {
  return [...readme.matchAll(/```(\w+)?\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1] ?? "text",
    code: (m[2] ?? "").trimEnd(),
  }));
}

export default async function PluginPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  await requirePageSession(`/plugins/${name}`);
  const def = pluginDefinitions().get(name);
  if (!def) notFound();
  const readme = pluginReadme(def.name);
  return (
    <PluginDetail
      plugin={{
        name: def.name,
        version: def.version,
        priority: def.priority,
        title: def.meta.title ?? def.name,
        summary: def.meta.summary ?? "",
        category: def.meta.category ?? null,
        scopes: [...def.meta.scopes],
        phases: [...def.meta.phases],
        readme,
        examples: examplesOf(readme),
        schema: configJsonSchema(def),
        secretFields: secretPaths(def.name).map((p) => p.join(".")),
      }}
      icon={<PluginIcon name={def.meta.icon ?? null} size={40} />}
    />
  );
}
