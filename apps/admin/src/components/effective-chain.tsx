"use client";

import { Anchor, Badge, Button, Group, Paper, Table, Text, Title } from "@mantine/core";
import Link from "next/link";
import { useCurrentUser } from "@/components/user-context";
import type { EffectiveChain } from "@/server/routes/effective-chain";

const ORIGIN_COLOR: Record<string, string> = {
  global: "gray",
  service: "blue",
  route: "violet",
  consumer: "teal",
};

/** The plugins that run on a route, per phase in execution order, each with where it comes from. */
export function EffectiveChainView({ chain }: { chain: EffectiveChain }) {
  const { canEdit } = useCurrentUser();
  return (
    <Paper
      withBorder
      p="lg"
      mt={{ base: "lg", lg: 0 }}
      maw={960}
      component="section"
      aria-label="Effective plugin chain"
    >
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Effective plugin chain
        </Title>
        {canEdit ? (
          <Button
            component={Link}
            href={`/plugins?scope=route&id=${chain.routeId}`}
            variant="light"
            size="xs"
          >
            Add a plugin to this route
          </Button>
        ) : null}
      </Group>
      {chain.phases.length === 0 ? (
        <Text c="dimmed">No plugin runs on this route.</Text>
      ) : (
        chain.phases.map((p) => (
          <div key={p.phase}>
            <Title order={3} size="h6" mt="md" mb={4}>
              {p.phase}
            </Title>
            <Table aria-label={`Phase ${p.phase}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">#</Table.Th>
                  <Table.Th scope="col">Plugin</Table.Th>
                  <Table.Th scope="col">Priority</Table.Th>
                  <Table.Th scope="col">From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.plugins.map((e, i) => (
                  <Table.Tr key={e.instanceId}>
                    <Table.Td>{i + 1}</Table.Td>
                    <Table.Th scope="row">
                      <Anchor component={Link} href={`/plugins/${e.plugin}`}>
                        {e.plugin}
                      </Anchor>
                    </Table.Th>
                    <Table.Td>{e.priority}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge color={ORIGIN_COLOR[e.origin]} variant="light">
                          {e.origin}
                        </Badge>
                        {e.consumer ? (
                          <Text size="xs">when {e.consumer} is authenticated</Text>
                        ) : null}
                        {e.overrides.length ? (
                          <Text size="xs" c="dimmed">
                            overrides {e.overrides.join(", ")}
                          </Text>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        ))
      )}
    </Paper>
  );
}
