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

/** The JWT algorithms the admin stores (the API refuses others with the list). */
const JWT_ALGORITHMS = ["HS256", "RS256", "ES256"] as const;
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
                description: "HS: shared secret; RS/ES: public key.",
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
                label: "Public key (RS/ES, PEM)",
                type: "textarea",
                listed: false,
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
