"use client";

import { Badge, Group, Table, Text } from "@mantine/core";

type Entry = { id: string; name: string | null; fields?: string[] };
export type ConfigDiff = Record<string, { added: Entry[]; changed: Entry[]; deleted: Entry[] }>;

/** The API's per-entity diff (added / changed / deleted), as a table. */
export function DiffSummary({ diff, label }: { diff: ConfigDiff; label: string }) {
  const rows = Object.entries(diff).flatMap(([type, d]) => [
    ...d.added.map((e) => ({ type, kind: "added", e })),
    ...d.changed.map((e) => ({ type, kind: "changed", e })),
    ...d.deleted.map((e) => ({ type, kind: "deleted", e })),
  ]);
  if (rows.length === 0) return <Text c="dimmed">No differences.</Text>;
  const color = { added: "green", changed: "yellow", deleted: "red" } as Record<string, string>;
  return (
    <Table aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Change</Table.Th>
          <Table.Th>Type</Table.Th>
          <Table.Th>Name</Table.Th>
          <Table.Th>Fields</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(({ type, kind, e }) => (
          <Table.Tr key={`${type}:${kind}:${e.id}`}>
            <Table.Td>
              <Badge color={color[kind]} variant="light">
                {kind}
              </Badge>
            </Table.Td>
            <Table.Td>{type}</Table.Td>
            <Table.Td>{e.name ?? e.id}</Table.Td>
            <Table.Td>
              <Group gap={4}>{(e.fields ?? []).join(", ")}</Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
