"use client";

import { Anchor, Badge, Code, Group, Table, Tabs, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import type { ReactNode } from "react";
import ReactMarkdown from "react-markdown";
import type { Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { ConfirmButton } from "@/components/entity/confirm-button";
import { ConfigReference } from "@/components/marketplace/config-reference";
import type { Scope } from "@/components/marketplace/enable-plugin";
import { EnablePlugin } from "@/components/marketplace/enable-plugin";
import { useCurrentUser } from "@/components/user-context";
import { useLoad } from "@/lib/use-load";
import { api } from "@/lib/api";

export interface PluginInfo {
  name: string;
  version: string;
  priority: number;
  title: string;
  summary: string;
  category: string | null;
  scopes: string[];
  phases: string[];
  readme: string;
  examples: { lang: string; code: string }[];
  schema: unknown;
  secretFields: string[];
}

interface Instance {
  id: string;
  enabled: boolean;
  config: Record<string, unknown>;
  service: { id: string } | null;
  route: { id: string } | null;
  consumer: { id: string } | null;
  version: number;
}

const ENTITY_LISTS = [
  ["service", "/services", "name"],
  ["route", "/routes", "name"],
  ["consumer", "/consumers", "username"],
] as const;

/** id → display name of every service, route and consumer (the "Enabled" tab names them). */
async function loadEntityNames(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    ENTITY_LISTS.map(async ([, path, field]) => {
      const r = await api<{ data: Record<string, unknown>[] }>("GET", `${path}?size=1000`);
      if (!r.ok) return;
      for (const e of r.body.data) {
        out.set(String(e.id), String(e[field] ?? e.custom_id ?? e.id));
      }
    }),
  );
  return out;
}

function scopeOf(i: Instance): { scope: Scope; href: string | null; id: string | null } {
  if (i.route) return { scope: "route", href: `/routes/${i.route.id}`, id: i.route.id };
  if (i.service) return { scope: "service", href: `/services/${i.service.id}`, id: i.service.id };
  if (i.consumer)
    return { scope: "consumer", href: `/consumers/${i.consumer.id}`, id: i.consumer.id };
  return { scope: "global", href: null, id: null };
}

// The page has its own h1: the README's headings move one level down.
const DEMOTED: Components = {
  h1: ({ children }) => <h2>{children}</h2>,
  h2: ({ children }) => <h3>{children}</h3>,
  h3: ({ children }) => <h4>{children}</h4>,
  // a code block wider than the page scrolls: reachable by keyboard
  pre: ({ children }) => <pre tabIndex={0}>{children}</pre>,
};

/** A plugin's page: README, config reference, examples, its instances, and "Enable". */
export function PluginDetail({ plugin, icon }: { plugin: PluginInfo; icon: ReactNode }) {
  const { canEdit } = useCurrentUser();
  const params = useSearchParams();
  const preset = params.get("scope") as Scope | null;
  const presetId = params.get("id");
  const [tab, setTab] = useState<string | null>(preset ? "enable" : "overview");
  const [instances, setInstances] = useState<Instance[]>([]);
  const [names, setNames] = useState<Map<string, string>>(new Map());

  const load = useCallback(async () => {
    const r = await api<{ data: Instance[] }>(
      "GET",
      `/plugins?name=${encodeURIComponent(plugin.name)}&size=1000`,
    );
    if (!r.ok) return;
    setInstances(r.body.data);
    if (r.body.data.some((i) => i.service || i.route || i.consumer)) {
      setNames(await loadEntityNames());
    }
  }, [plugin.name]);
  useLoad(load);

  return (
    <>
      <Group align="center" mb="xs">
        <Text c="indigo" component="span">
          {icon}
        </Text>
        <div>
          <h1>{plugin.title}</h1>
          <Text c="dimmed" size="sm">
            {plugin.name} {plugin.version} · priority {plugin.priority}
          </Text>
        </div>
      </Group>
      <Text mb="sm">{plugin.summary}</Text>
      <Group gap="xs" mb="lg">
        {plugin.category ? <Badge variant="light">{plugin.category}</Badge> : null}
        {plugin.phases.map((p) => (
          <Badge key={p} variant="outline" color="gray">
            {p}
          </Badge>
        ))}
      </Group>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="reference">Configuration reference</Tabs.Tab>
          <Tabs.Tab value="examples">Examples</Tabs.Tab>
          <Tabs.Tab value="instances">Enabled ({instances.length})</Tabs.Tab>
          {canEdit ? <Tabs.Tab value="enable">Enable</Tabs.Tab> : null}
        </Tabs.List>
        <Tabs.Panel value="overview">
          <div className="markdown">
            <ReactMarkdown components={DEMOTED} remarkPlugins={[remarkGfm]}>
              {plugin.readme || "_No README._"}
            </ReactMarkdown>
          </div>
        </Tabs.Panel>
        <Tabs.Panel value="reference">
          <ConfigReference schema={plugin.schema} />
          {plugin.secretFields.length ? (
            <Text size="sm" c="dimmed" mt="sm">
              Secret fields (masked on read): {plugin.secretFields.join(", ")}
            </Text>
          ) : null}
        </Tabs.Panel>
        <Tabs.Panel value="examples">
          {plugin.examples.length === 0 ? <Text c="dimmed">No examples.</Text> : null}
          {plugin.examples.map((e, i) => (
            <pre
              key={i}
              className="code-block"
              aria-label={`Example ${i + 1} (${e.lang})`}
              tabIndex={0}
            >
              {e.code}
            </pre>
          ))}
        </Tabs.Panel>
        <Tabs.Panel value="instances">
          {instances.length === 0 ? (
            <Text c="dimmed">Not enabled anywhere yet.</Text>
          ) : (
            <Table aria-label="Instances" layout="fixed">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w="22%">Scope</Table.Th>
                  <Table.Th>Config</Table.Th>
                  <Table.Th w={90}>Enabled</Table.Th>
                  {canEdit ? <Table.Th w={120}>Actions</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {instances.map((i) => {
                  const s = scopeOf(i);
                  return (
                    <Table.Tr key={i.id}>
                      <Table.Td>
                        {s.href ? (
                          <>
                            {s.scope}{" "}
                            <Anchor component={Link} href={s.href}>
                              {names.get(s.id ?? "") ?? s.id}
                            </Anchor>
                          </>
                        ) : (
                          "global"
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Code block className="wrap-code">
                          {JSON.stringify(i.config, null, 1)}
                        </Code>
                      </Table.Td>
                      <Table.Td>{i.enabled ? "yes" : "no"}</Table.Td>
                      {canEdit ? (
                        <Table.Td>
                          <ConfirmButton
                            size="xs"
                            variant="subtle"
                            label="Remove"
                            title={`Remove this ${plugin.title} instance?`}
                            message={`The plugin stops running on ${s.scope === "global" ? "every request" : `this ${s.scope}`}.`}
                            confirmLabel="Remove"
                            onConfirm={async () => {
                              const r = await api("DELETE", `/plugins/${i.id}`);
                              if (!r.ok) notifications.show({ color: "red", message: r.message });
                              await load();
                            }}
                          />
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </Tabs.Panel>
        {canEdit ? (
          <Tabs.Panel value="enable">
            <EnablePlugin
              plugin={plugin.name}
              title={plugin.title}
              scopes={plugin.scopes as Scope[]}
              schema={plugin.schema}
              initialScope={preset && presetId ? { scope: preset, id: presetId } : null}
              onEnabled={() => {
                void load();
                setTab("instances");
              }}
            />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </>
  );
}
