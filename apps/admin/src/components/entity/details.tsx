"use client";

import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Loader,
  Paper,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { JWT_ALGORITHMS } from "@gatehouse/config/jwt-algorithms";
import { Plus } from "lucide-react";
import Link from "next/link";
import { useCallback, useMemo, useState } from "react";
import {
  consumerDefinition,
  routeDefinition,
  serviceDefinition,
} from "@/components/entity/definitions";
import { EntityEditor } from "@/components/entity/entity-editor";
import { useServiceNames } from "@/components/entity/lists";
import { NestedCollection } from "@/components/entity/nested-collection";

import { useCurrentUser } from "@/components/user-context";
import { api } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

export function ServiceDetail({ id }: { id: string | null }) {
  const { canEdit } = useCurrentUser();
  return (
    <>
      <EntityEditor definition={serviceDefinition} id={id} />
      {id && canEdit ? (
        <Button component={Link} href={`/plugins?scope=service&id=${id}`} variant="light" mt="md">
          Add a plugin to this service
        </Button>
      ) : null}
      {id ? <ServiceRoutes serviceId={id} /> : null}
      {id ? (
        <NestedCollection
          title="Targets"
          noun="target"
          resource={`/services/${id}/targets`}
          fields={[
            { name: "target", label: "Target (host:port)" },
            { name: "weight", label: "Weight", type: "number" },
          ]}
        />
      ) : null}
    </>
  );
}

export function RouteDetail({ id, serviceId }: { id: string | null; serviceId?: string }) {
  const names = useServiceNames();
  const definition = useMemo(
    () => routeDefinition([...(names ?? [])].map(([sid, name]) => ({ id: sid, name }))),
    [names],
  );
  if (!names) return <Loader role="status" aria-label="Loading" />;
  // "Add route" on a service page: the new route starts on that service.
  const service = serviceId
    ? (names.get(serviceId) ?? [...names.values()].find((n) => n === serviceId))
    : undefined;
  return (
    <EntityEditor definition={definition} id={id} initial={service ? { service } : undefined} />
  );
}

interface RouteRow {
  id: string;
  name: string | null;
  paths: string[] | null;
  methods: string[] | null;
}

/** The routes of one service (what sends traffic to it), with "Add route" for this service. */
function ServiceRoutes({ serviceId }: { serviceId: string }) {
  const { canEdit } = useCurrentUser();
  const [routes, setRoutes] = useState<RouteRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const r = await api<{ data: RouteRow[] }>(
      "GET",
      `/services/${encodeURIComponent(serviceId)}/routes?size=1000`,
    );
    if (r.ok) setRoutes(r.body.data);
    else setError(r.message);
  }, [serviceId]);
  useLoad(load);
  return (
    <Paper
      withBorder
      p="md"
      mt="lg"
      maw={760}
      component="section"
      aria-label="Routes of this service"
    >
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Routes
        </Title>
        {canEdit ? (
          <Button
            component={Link}
            href={`/routes/new?service=${encodeURIComponent(serviceId)}`}
            variant="light"
            leftSection={<Plus size={16} aria-hidden />}
          >
            Add route
          </Button>
        ) : null}
      </Group>
      {error ? <Alert color="red" role="alert" title={error} /> : null}
      {routes && routes.length === 0 ? (
        <Text c="dimmed">No route sends traffic to this service yet.</Text>
      ) : null}
      {routes && routes.length > 0 ? (
        <Table aria-label="Routes of this service">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Paths</Table.Th>
              <Table.Th scope="col">Methods</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {routes.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Th scope="row">
                  <Anchor component={Link} href={`/routes/${r.id}`}>
                    {r.name ?? r.id}
                  </Anchor>
                </Table.Th>
                <Table.Td>
                  <Group gap={4}>
                    {(r.paths ?? []).map((p) => (
                      <Code key={p}>{p}</Code>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{(r.methods ?? []).join(", ") || "any"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Paper>
  );
}

export function ConsumerDetail({ id }: { id: string | null }) {
  const { canEdit } = useCurrentUser();
  return (
    <>
      <EntityEditor definition={consumerDefinition} id={id} />
      {id && canEdit ? (
        <Button component={Link} href={`/plugins?scope=consumer&id=${id}`} variant="light" mt="md">
          Add a plugin to this consumer
        </Button>
      ) : null}
      {id ? (
        <>
          <NestedCollection
            title="Key-auth credentials"
            noun="API key"
            resource={`/consumers/${id}/key-auth`}
            fields={[
              {
                name: "key",
                label: "Key",
                type: "password",
                listed: false,
                description: "Leave empty to generate one (shown once).",
              },
            ]}
            columns={[{ name: "key_prefix", label: "Key prefix" }]}
            reveal={{ field: "key", label: "API key" }}
          />
          <NestedCollection
            title="Basic-auth credentials"
            noun="basic-auth credential"
            resource={`/consumers/${id}/basic-auth`}
            fields={[
              { name: "username", label: "Username" },
              { name: "password", label: "Password", type: "password", listed: false },
            ]}
          />
          <NestedCollection
            title="JWT credentials"
            noun="JWT credential"
            resource={`/consumers/${id}/jwt`}
            fields={[
              {
                name: "key",
                label: "Key (iss)",
                description: "The claim value naming this credential; empty: generated.",
              },
              {
                name: "algorithm",
                label: "Algorithm",
                type: "select",
                options: [...JWT_ALGORITHMS],
                description: "HS*: shared secret; RS*, PS*, ES*, EdDSA: public key.",
              },
              {
                name: "secret",
                label: "Secret (HS)",
                type: "password",
                listed: false,
                description: "Empty: generated.",
              },
              {
                name: "rsa_public_key",
                label: "Public key (RS/PS/ES/EdDSA, PEM)",
                type: "textarea",
                listed: false,
                description:
                  "-----BEGIN PUBLIC KEY-----; RSA for RS/PS, EC P-256/P-384/P-521 for ES256/384/512, Ed25519 for EdDSA.",
              },
            ]}
          />
          <NestedCollection
            title="ACL groups"
            noun="ACL group"
            resource={`/consumers/${id}/acls`}
            fields={[{ name: "group", label: "Group" }]}
          />
        </>
      ) : null}
    </>
  );
}
