"use client";

import { Code, Group, Badge } from "@mantine/core";
import { useEffect, useState } from "react";
import { serviceUrl } from "@/components/entity/definitions";
import { EntityList } from "@/components/entity/entity-list";
import { api } from "@/lib/api";

type Row = Record<string, unknown> & { id: string; tags?: string[] };

export function ServicesList() {
  return (
    <EntityList<Row>
      resource="/services"
      noun="service"
      name={(r) => String(r.name)}
      href={(r) => `/services/${r.id}`}
      newHref="/services/new"
      description="A service is an upstream API (its URL) that the gateway forwards traffic to; routes say which requests go to it."
      columns={[{ label: "Upstream URL", render: (r) => <Code>{serviceUrl(r)}</Code> }]}
    />
  );
}

export function UpstreamsList() {
  return (
    <EntityList<Row>
      resource="/upstreams"
      noun="upstream"
      name={(r) => String(r.name)}
      href={(r) => `/upstreams/${r.id}`}
      newHref="/upstreams/new"
      description="An upstream balances traffic over its targets and keeps it away from unhealthy ones; a service whose host is the upstream's name uses it."
      columns={[
        { label: "Algorithm", render: (r) => <Code>{String(r.algorithm)}</Code> },
        {
          label: "Service",
          render: (r) =>
            (r.service as { id?: string } | null)?.id ? "own targets of a service" : "—",
        },
      ]}
    />
  );
}

/** id → name of every service (for showing a route's service). */
export function useServiceNames(): Map<string, string> | null {
  const [names, setNames] = useState<Map<string, string> | null>(null);
  useEffect(() => {
    void api<{ data: { id: string; name: string }[] }>("GET", "/services?size=1000").then((r) => {
      if (r.ok) setNames(new Map(r.body.data.map((s) => [s.id, s.name])));
    });
  }, []);
  return names;
}

export function RoutesList() {
  const services = useServiceNames();
  return (
    <EntityList<Row>
      resource="/routes"
      noun="route"
      name={(r) => String(r.name ?? r.id)}
      href={(r) => `/routes/${r.id}`}
      newHref="/routes/new"
      description="A route matches requests (paths, hosts, methods) and sends them to a service; plugins on it run for those requests only."
      columns={[
        {
          label: "Service",
          render: (r) => services?.get((r.service as { id?: string } | null)?.id ?? "") ?? "—",
        },
        {
          label: "Paths",
          render: (r) => (
            <Group gap={4}>
              {((r.paths as string[] | null) ?? []).map((p) => (
                <Code key={p}>{p}</Code>
              ))}
            </Group>
          ),
        },
        {
          label: "Methods",
          render: (r) => (
            <Group gap={4}>
              {((r.methods as string[] | null) ?? []).map((m) => (
                <Badge key={m} size="xs" variant="outline">
                  {m}
                </Badge>
              ))}
            </Group>
          ),
        },
      ]}
    />
  );
}

export function ConsumersList() {
  return (
    <EntityList<Row>
      resource="/consumers"
      noun="consumer"
      name={(r) => String(r.username ?? r.custom_id ?? r.id)}
      href={(r) => `/consumers/${r.id}`}
      newHref="/consumers/new"
      description="A consumer is a client of your APIs (an app or a user) with credentials (API keys, basic auth, JWT); plugins can apply per consumer."
      columns={[{ label: "Custom ID", render: (r) => (r.custom_id as string | null) ?? "—" }]}
    />
  );
}
