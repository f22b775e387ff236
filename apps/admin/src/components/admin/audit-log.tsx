"use client";

import { Alert, Button, Code, Group, Select, Table, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { api } from "@/lib/api";

interface Entry {
  id: string;
  at: string;
  actor: string;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

const ENTITY_TYPES = [
  "service",
  "route",
  "target",
  "plugin",
  "consumer",
  "keyauth_credential",
  "basicauth_credential",
  "user",
  "token",
  "config",
];

/** The audit log with filters (actor, action, entity type, since), newest first, paginated. */
export function AuditLog() {
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [entityType, setEntityType] = useState<string | null>(null);
  const [since, setSince] = useState("");
  // The filters as a query string: a string is equal to itself from one render to the next, so
  // the debounced value only changes when a filter does (an object here refetched forever).
  const filterQuery = new URLSearchParams(
    Object.entries({
      actor,
      action,
      entity_type: entityType ?? "",
      since: since && !Number.isNaN(Date.parse(since)) ? new Date(since).toISOString() : "",
    }).filter(([, v]) => v !== ""),
  ).toString();
  const [filters] = useDebouncedValue(filterQuery, 300);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<{ data: Entry[]; offset: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    const p = new URLSearchParams(filters);
    p.set("size", "50");
    if (cursor) p.set("offset", cursor);
    let cancelled = false;
    void api<{ data: Entry[]; offset: string | null }>("GET", `/audit?${p}`).then((r) => {
      if (cancelled) return;
      if (r.ok) {
        setPage(r.body);
        setError(null);
      } else
        setError(
          r.message +
            (r.errors.length
              ? `: ${r.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`
              : ""),
        );
    });
    return () => {
      cancelled = true;
    };
  }, [filters, cursor]);

  const reset = () => setCursors([null]);
  return (
    <>
      <Group align="end" mb="md">
        <TextInput
          label="Actor"
          value={actor}
          onChange={(e) => {
            setActor(e.currentTarget.value);
            reset();
          }}
        />
        <TextInput
          label="Action"
          placeholder="e.g. create, update, delete"
          value={action}
          onChange={(e) => {
            setAction(e.currentTarget.value);
            reset();
          }}
        />
        <Select
          label="Entity type"
          data={ENTITY_TYPES}
          value={entityType}
          onChange={(v) => {
            setEntityType(v);
            reset();
          }}
          clearable
          w={200}
        />
        <TextInput
          label="Since"
          type="datetime-local"
          value={since}
          onChange={(e) => {
            setSince(e.currentTarget.value);
            reset();
          }}
        />
      </Group>
      {error ? <Alert color="red" role="alert" title={error} mb="md" /> : null}
      <Table striped aria-label="Audit log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">When</Table.Th>
            <Table.Th scope="col">Actor</Table.Th>
            <Table.Th scope="col">Action</Table.Th>
            <Table.Th scope="col">Entity</Table.Th>
            <Table.Th scope="col">Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(page?.data ?? []).map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{new Date(e.at).toLocaleString()}</Table.Td>
              <Table.Td>{e.actor}</Table.Td>
              <Table.Td>{e.action}</Table.Td>
              <Table.Td>
                {e.entity_type} {e.entity_id ? <Code>{e.entity_id.slice(0, 8)}</Code> : null}
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => setOpen(open === e.id ? null : e.id)}
                  aria-expanded={open === e.id}
                >
                  {open === e.id ? "Hide" : "Before / after"}
                </Button>
                {open === e.id ? (
                  <Code block tabIndex={0}>
                    {JSON.stringify({ before: e.before, after: e.after }, null, 2)}
                  </Code>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group mt="md">
        <Button
          variant="default"
          disabled={cursors.length <= 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={!page?.offset}
          onClick={() => page?.offset && setCursors([...cursors, page.offset])}
        >
          Next page
        </Button>
      </Group>
    </>
  );
}
