"use client";

import { Alert, Badge, Code, List, Table, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { STATUS_COLOR } from "@/components/dashboard";
import { api } from "@/lib/api";

interface DataPlane {
  id: string;
  hostname: string | null;
  control_url: string | null;
  software_version: string | null;
  status: string;
  applied_version: number | null;
  latest_version: number | null;
  errors: { path: string; message: string }[];
  missing_plugins: string[];
  last_error: string | null;
  last_seen_at: string | null;
  connected: boolean;
}

/** Every registered data plane, refreshed every few seconds. */
export function DataPlanes() {
  const [planes, setPlanes] = useState<DataPlane[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const r = await api<{ data: DataPlane[] }>("GET", "/data-planes?size=1000");
      if (cancelled) return;
      if (r.ok) {
        setPlanes(r.body.data);
        setError(null);
      } else setError(r.message);
    };
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);
  if (error) return <Alert color="red" role="alert" title={error} />;
  if (!planes) return null;
  if (planes.length === 0) return <Text c="dimmed">No data plane has registered yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped aria-label="Data planes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Data plane</Table.Th>
            <Table.Th scope="col">Version</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Applied config</Table.Th>
            <Table.Th scope="col">Problems</Table.Th>
            <Table.Th scope="col">Last seen</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {planes.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Th scope="row">
                {p.hostname ?? p.id}
                <Text size="xs" c="dimmed">
                  {p.id.slice(0, 8)} · {p.control_url}
                </Text>
              </Table.Th>
              <Table.Td>{p.software_version ?? "—"}</Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLOR[p.status] ?? "gray"}>{p.status.replace("_", " ")}</Badge>
              </Table.Td>
              <Table.Td>
                {p.applied_version ?? "—"} of {p.latest_version ?? "—"}
              </Table.Td>
              <Table.Td>
                {p.errors?.length ? (
                  <List size="xs">
                    {p.errors.map((e) => (
                      <List.Item key={`${e.path}:${e.message}`}>
                        <Code>{e.path}</Code>: {e.message}
                      </List.Item>
                    ))}
                  </List>
                ) : null}
                {p.missing_plugins?.length ? (
                  <Text size="xs">missing plugins: {p.missing_plugins.join(", ")}</Text>
                ) : null}
                {p.last_error ? <Text size="xs">{p.last_error}</Text> : null}
              </Table.Td>
              <Table.Td>
                {p.last_seen_at ? new Date(p.last_seen_at).toLocaleTimeString() : "never"}
                {p.connected ? null : (
                  <Text size="xs" c="red">
                    not connected
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
