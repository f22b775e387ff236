"use client";

import { Badge, Code, Group, Table } from "@mantine/core";
import { useState } from "react";

/** What the API reads from a certificate (`details`). */
export interface CertificateDetails {
  subject: string;
  issuer: string;
  sans: string[];
  not_before: string;
  not_after: string;
  key_type: string;
  fingerprint: string;
}

/** Days before expiry when a certificate is flagged. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** "Expired" / "Expires in N days" within the warning window, else nothing. */
export function ExpiryBadge({ notAfter }: { notAfter: string }) {
  // the time of the first render: a badge does not change while the page is open
  const [now] = useState(() => Date.now());
  const left = Date.parse(notAfter) - now;
  if (left <= 0) {
    return (
      <Badge color="red" variant="filled" size="sm">
        Expired
      </Badge>
    );
  }
  if (left > EXPIRY_WARNING_DAYS * DAY_MS) return null;
  const days = Math.ceil(left / DAY_MS);
  return (
    <Badge color="orange" variant="light" size="sm">
      Expires in {days} day{days === 1 ? "" : "s"}
    </Badge>
  );
}

export const formatDate = (iso: string) => iso.slice(0, 10);

export function SansList({ sans }: { sans: string[] }) {
  return (
    <Group gap={4}>
      {sans.map((s) => (
        <Code key={s}>{s}</Code>
      ))}
    </Group>
  );
}

/** A certificate's subject, SANs, issuer and validity, as a small table. */
export function CertificateInfoTable({ details }: { details: CertificateDetails }) {
  const rows: [string, React.ReactNode][] = [
    ["Subject", details.subject],
    ["Subject alternative names", <SansList key="sans" sans={details.sans} />],
    ["Issuer", details.issuer],
    ["Not before", formatDate(details.not_before)],
    [
      "Not after",
      <Group key="na" gap="xs">
        {formatDate(details.not_after)}
        <ExpiryBadge notAfter={details.not_after} />
      </Group>,
    ],
    ["Key type", details.key_type.toUpperCase()],
    ["SHA-256 fingerprint", <Code key="fp">{details.fingerprint}</Code>],
  ];
  return (
    <Table aria-label="Certificate details" variant="vertical" withTableBorder>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={220}>{label}</Table.Th>
            <Table.Td style={{ overflowWrap: "anywhere" }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
