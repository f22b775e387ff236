"use client";

import { Anchor, Badge, Card, Group, SimpleGrid, Table, Text, Title } from "@mantine/core";
import Link from "next/link";
import type { Overview } from "@/server/dashboard/get-overview";

export const STATUS_COLOR: Record<string, string> = {
  in_sync: "green",
  pending: "yellow",
  rejected: "red",
  incompatible: "orange",
  unreachable: "gray",
  unknown: "gray",
};

export function Dashboard({ overview }: { overview: Overview }) {
  const counts = [
    { label: "Services", value: overview.counts.services, href: "/services" },
    { label: "Routes", value: overview.counts.routes, href: "/routes" },
    { label: "Consumers", value: overview.counts.consumers, href: "/consumers" },
    { label: "Plugins", value: overview.counts.plugins, href: "/plugins" },
  ];
  const inSync = overview.dataPlanes.filter((p) => p.status === "in_sync").length;
  return (
    <>
      <SimpleGrid cols={{ base: 2, md: 4 }} mb="lg">
        {counts.map((c) => (
          <Card key={c.label} withBorder component="section" aria-label={c.label}>
            <Text c="dimmed" size="sm">
              {c.label}
            </Text>
            <Anchor component={Link} href={c.href} fz={32} fw={700}>
              {c.value}
            </Anchor>
          </Card>
        ))}
      </SimpleGrid>
      <Card withBorder component="section" aria-label="Data planes">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            Data planes
          </Title>
          <Text size="sm">
            {inSync} of {overview.dataPlanes.length} in sync with version{" "}
            {overview.latestVersion ?? "—"}
          </Text>
        </Group>
        {overview.dataPlanes.length === 0 ? (
          <Text c="dimmed">No data plane has registered yet.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Data plane</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Applied version</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {overview.dataPlanes.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>{p.hostname ?? p.id}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[p.status] ?? "gray"}>
                      {p.status.replace("_", " ")}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{p.appliedVersion ?? "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
