"use client";

import { Button, Loader } from "@mantine/core";
import Link from "next/link";
import { useMemo } from "react";
import {
  consumerDefinition,
  routeDefinition,
  serviceDefinition,
} from "@/components/entity/definitions";
import { EntityEditor } from "@/components/entity/entity-editor";
import { useServiceNames } from "@/components/entity/lists";
import { NestedCollection } from "@/components/entity/nested-collection";
import { useCurrentUser } from "@/components/user-context";

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

export function RouteDetail({ id }: { id: string | null }) {
  const names = useServiceNames();
  const definition = useMemo(
    () => routeDefinition([...(names ?? [])].map(([sid, name]) => ({ id: sid, name }))),
    [names],
  );
  if (!names) return <Loader aria-label="Loading" />;
  return <EntityEditor definition={definition} id={id} />;
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
            fields={[{ name: "key", label: "Key", type: "password", listed: false }]}
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
        </>
      ) : null}
    </>
  );
}
