"use client";

import { Alert, Badge, Paper, Table, Text, Title } from "@mantine/core";
import { useCallback, useState } from "react";
import { EntityEditor } from "@/components/entity/entity-editor";
import { NestedCollection } from "@/components/entity/nested-collection";
import { upstreamDefinition } from "@/components/upstreams/definition";
import { api } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

interface HealthRow {
  id: string;
  target: string;
  weight: number;
  health: string;
  data_planes: { id: string; hostname: string | null; health: string }[];
}

const COLOR: Record<string, string> = {
  HEALTHY: "green",
  UNHEALTHY: "red",
  DNS_ERROR: "red",
  PARTIAL: "yellow",
  HEALTHCHECKS_OFF: "gray",
  UNKNOWN: "gray",
};

export function UpstreamDetail({ id }: { id: string | null }) {
  return (
    <>
      <EntityEditor definition={upstreamDefinition} id={id} />
      {id ? (
        <NestedCollection
          title="Targets"
          noun="target"
          resource={`/upstreams/${id}/targets`}
          fields={[
            { name: "target", label: "Target (host:port)" },
            { name: "weight", label: "Weight", type: "number", description: "0 takes it out" },
          ]}
        />
      ) : null}
      {id ? <TargetHealth upstreamId={id} /> : null}
    </>
  );
}

/** The health every connected data plane reports for each target (GET /upstreams/{u}/health). */
function TargetHealth({ upstreamId }: { upstreamId: string }) {
  const [rows, setRows] = useState<HealthRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const r = await api<{ data: HealthRow[] }>(
      "GET",
      `/upstreams/${encodeURIComponent(upstreamId)}/health`,
    );
    if (r.ok) setRows(r.body.data);
    else setError(r.message);
  }, [upstreamId]);
  useLoad(load);
  return (
    <Paper withBorder p="md" mt="lg" maw={760} component="section" aria-label="Target health">
      <Title order={2} size="h4" mb="sm">
        Health per data plane
      </Title>
      {error ? <Alert color="red" role="alert" title={error} /> : null}
      {rows && rows.length === 0 ? <Text c="dimmed">No targets yet.</Text> : null}
      {rows && rows.length > 0 ? (
        <Table aria-label="Target health">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Target</Table.Th>
              <Table.Th>Health</Table.Th>
              <Table.Th>Data planes</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td>{row.target}</Table.Td>
                <Table.Td>
                  <Badge color={COLOR[row.health] ?? "gray"} variant="light">
                    {row.health}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {row.data_planes.length === 0
                    ? "no data plane reports it"
                    : row.data_planes.map((p) => `${p.hostname ?? p.id}: ${p.health}`).join(", ")}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Paper>
  );
}
