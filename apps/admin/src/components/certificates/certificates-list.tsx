"use client";

import { Group, Text } from "@mantine/core";
import { ExpiryBadge, formatDate, SansList } from "@/components/certificates/certificate-info";
import type { CertificateDetails } from "@/components/certificates/certificate-info";
import { EntityList } from "@/components/entity/entity-list";

type Row = { id: string; tags?: string[]; details: CertificateDetails | null };

export function CertificatesList() {
  return (
    <EntityList<Row>
      resource="/certificates"
      noun="certificate"
      name={(r) => r.details?.subject ?? r.id}
      href={(r) => `/certificates/${r.id}`}
      newHref="/certificates/new"
      searchable={false}
      description="A certificate (and its private key) the data planes serve on their TLS listener; its SNIs say for which server names, the first certificate without SNIs is the default."
      columns={[
        { label: "SANs", render: (r) => <SansList sans={r.details?.sans ?? []} /> },
        { label: "Issuer", render: (r) => <Text size="sm">{r.details?.issuer ?? "—"}</Text> },
        {
          label: "Not after",
          render: (r) =>
            r.details ? (
              <Group gap="xs" wrap="nowrap">
                {formatDate(r.details.not_after)}
                <ExpiryBadge notAfter={r.details.not_after} />
              </Group>
            ) : (
              "—"
            ),
        },
      ]}
    />
  );
}
