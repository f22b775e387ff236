"use client";

import { Alert, Badge, Card, Chip, Group, SimpleGrid, Text, TextInput } from "@mantine/core";
import { Search } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import type { ReactNode } from "react";

export interface PluginCard {
  name: string;
  version: string;
  title: string;
  summary: string | null;
  category: string | null;
  availableOn: number | null;
  dataPlanes: number;
  enabled: number;
  icon: ReactNode;
}

/** The catalog grid: search (name, title, summary) and category filters. */
export function Marketplace({ plugins }: { plugins: PluginCard[] }) {
  // Coming from an entity ("Add a plugin" on a route, service or consumer): keep its scope on the way.
  const params = useSearchParams();
  const scope = params.get("scope");
  const scopeId = params.get("id");
  const suffix =
    scope && scopeId ? `?${new URLSearchParams({ scope, id: scopeId }).toString()}` : "";
  const [query, setQuery] = useState("");
  const [categories, setCategories] = useState<string[]>([]);
  const all = useMemo(
    () => [...new Set(plugins.map((p) => p.category ?? "other"))].sort(),
    [plugins],
  );
  const q = query.trim().toLowerCase();
  const shown = plugins.filter(
    (p) =>
      (categories.length === 0 || categories.includes(p.category ?? "other")) &&
      (!q || `${p.name} ${p.title} ${p.summary ?? ""}`.toLowerCase().includes(q)),
  );
  return (
    <>
      {suffix ? (
        <Alert color="indigo" mb="md" title={`Choose a plugin for this ${scope}`}>
          The plugin you open is enabled on that {scope} by default.
        </Alert>
      ) : null}
      <TextInput
        label="Search plugins"
        placeholder="Name or what it does"
        leftSection={<Search size={16} aria-hidden />}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        maw={420}
        mb="sm"
      />
      <Chip.Group multiple value={categories} onChange={setCategories}>
        <Group gap="xs" mb="lg" role="group" aria-label="Categories">
          {all.map((c) => (
            <Chip key={c} value={c} variant="outline">
              {c}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      {shown.length === 0 ? <Text c="dimmed">No plugin matches.</Text> : null}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3, xl: 4 }} role="list" aria-label="Plugins">
        {shown.map((p) => (
          <Card
            key={p.name}
            withBorder
            padding="lg"
            role="listitem"
            aria-label={p.title}
            component="article"
          >
            <Group wrap="nowrap" align="start" mb="xs">
              <Text c="indigo" component="span" mt={2}>
                {p.icon}
              </Text>
              <div>
                <Text
                  component={Link}
                  href={`/plugins/${p.name}${suffix}`}
                  fw={700}
                  size="lg"
                  className="card-link"
                >
                  {p.title}
                </Text>
                <Text size="xs" c="dimmed">
                  {p.name} {p.version}
                </Text>
              </div>
            </Group>
            <Text size="sm" mb="md" lineClamp={3}>
              {p.summary}
            </Text>
            <Group gap="xs" mt="auto">
              {p.category ? (
                <Badge variant="light" size="sm">
                  {p.category}
                </Badge>
              ) : null}
              <Badge
                variant="outline"
                size="sm"
                color={p.availableOn === p.dataPlanes ? "green" : "orange"}
              >
                {p.availableOn === null
                  ? "no data plane yet"
                  : `on ${p.availableOn} of ${p.dataPlanes} data planes`}
              </Badge>
              <Badge variant="outline" size="sm" color="gray">
                enabled {p.enabled}×
              </Badge>
            </Group>
          </Card>
        ))}
      </SimpleGrid>
    </>
  );
}
