"use client";

import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  NumberInput,
  Paper,
  Select,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { Plus, Trash2 } from "lucide-react";
import { useCallback, useState } from "react";
import { ConfirmButton } from "@/components/entity/confirm-button";
import { useCurrentUser } from "@/components/user-context";
import type { FieldError } from "@/lib/api";
import { useLoad } from "@/lib/use-load";
import { api } from "@/lib/api";

export interface NestedField {
  name: string;
  label: string;
  type?: "text" | "number" | "password" | "textarea" | "select";
  /** The choices of a "select". */
  options?: string[];
  /** Help text under the input. */
  description?: string;
  /** Shown in the table (secrets are not). */
  listed?: boolean;
}

type Row = Record<string, unknown> & { id: string; version: number };

/**
 * A nested collection of an entity (a service's targets, a consumer's credentials): a table, an add form
 * with the API's field errors next to the fields, and delete with confirmation.
 */
export function NestedCollection(props: {
  title: string;
  noun: string;
  resource: string;
  fields: NestedField[];
  /** Read-only columns of the table (e.g. a key's prefix). */
  columns?: { name: string; label: string }[];
  /** A secret the API answers once on create (e.g. a generated key): shown once with a copy button. */
  reveal?: { field: string; label: string };
}) {
  const { canEdit } = useCurrentUser();
  const [rows, setRows] = useState<Row[]>([]);
  const [values, setValues] = useState<Record<string, string | number>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await api<{ data: Row[] }>("GET", `${props.resource}?size=1000`);
    if (r.ok) setRows(r.body.data);
    else setMessage(r.message);
  }, [props.resource]);
  useLoad(load);

  const errorOf = (name: string) =>
    errors
      .filter((e) => e.path === name || e.path.startsWith(`${name}.`))
      .map((e) => e.message)
      .join("; ") || undefined;

  async function add() {
    const body: Record<string, unknown> = {};
    for (const f of props.fields) {
      const v = values[f.name];
      if (v !== undefined && v !== "") body[f.name] = v;
    }
    const r = await api<Record<string, unknown>>("POST", props.resource, { body });
    if (r.ok) {
      const secret = props.reveal ? r.body?.[props.reveal.field] : undefined;
      setRevealed(typeof secret === "string" ? secret : null);
      setValues({});
      setErrors([]);
      setMessage(null);
      notifications.show({ color: "green", message: `Added ${props.noun}` });
      await load();
    } else {
      setErrors(r.errors);
      setMessage(r.message);
    }
  }

  const listed = [...(props.columns ?? []), ...props.fields.filter((f) => f.listed !== false)];
  return (
    <Paper withBorder p="lg" maw={760} mt="lg" component="section" aria-label={props.title}>
      <Title order={2} size="h4" mb="sm">
        {props.title}
      </Title>
      {rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          None yet.
        </Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>ID</Table.Th>
              {listed.map((f) => (
                <Table.Th key={f.name}>{f.label}</Table.Th>
              ))}
              {canEdit ? <Table.Th>Actions</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td>
                  <code>{row.id.slice(0, 8)}</code>
                </Table.Td>
                {listed.map((f) => (
                  <Table.Td key={f.name}>{String(row[f.name] ?? "")}</Table.Td>
                ))}
                {canEdit ? (
                  <Table.Td>
                    <ConfirmButton
                      size="xs"
                      variant="subtle"
                      leftSection={<Trash2 size={14} aria-hidden />}
                      ariaLabel={`Delete ${props.noun} ${String(row[listed[0]?.name ?? "id"] ?? row.id)}`}
                      label="Delete"
                      title={`Delete this ${props.noun}?`}
                      message={`The ${props.noun} ${String(row[listed[0]?.name ?? "id"] ?? row.id)} is removed; the data planes get the change with the next configuration version.`}
                      confirmLabel="Delete"
                      onConfirm={async () => {
                        const r = await api("DELETE", `${props.resource}/${row.id}`);
                        if (!r.ok) setMessage(r.message);
                        await load();
                      }}
                    />
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {message ? <Alert color="red" role="alert" mt="sm" title={message} /> : null}
      {revealed && props.reveal ? (
        <Alert color="green" title={`${props.reveal.label} created`} mt="md" role="status">
          Copy it now: it is shown only once.
          <Group mt="xs" wrap="nowrap">
            <Code aria-label={`New ${props.reveal.label}`} style={{ overflowWrap: "anywhere" }}>
              {revealed}
            </Code>
            <CopyButton value={revealed}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy}>
                  {copied ? "Copied" : "Copy"}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      ) : null}
      {canEdit ? (
        <form
          aria-label={`Add ${props.noun}`}
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <Group align="start" mt="md">
            {props.fields.map((f) =>
              f.type === "number" ? (
                <NumberInput
                  key={f.name}
                  label={f.label}
                  description={f.description}
                  value={values[f.name] ?? ""}
                  onChange={(v) => setValues({ ...values, [f.name]: v })}
                  error={errorOf(f.name)}
                />
              ) : f.type === "select" ? (
                <Select
                  key={f.name}
                  label={f.label}
                  description={f.description}
                  data={f.options ?? []}
                  value={values[f.name] === undefined ? null : String(values[f.name])}
                  onChange={(v) => setValues({ ...values, [f.name]: v ?? "" })}
                  error={errorOf(f.name)}
                />
              ) : f.type === "textarea" ? (
                <Textarea
                  key={f.name}
                  label={f.label}
                  description={f.description}
                  autosize
                  minRows={2}
                  miw={320}
                  styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
                  value={String(values[f.name] ?? "")}
                  onChange={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
                  error={errorOf(f.name)}
                />
              ) : (
                <TextInput
                  key={f.name}
                  label={f.label}
                  description={f.description}
                  type={f.type === "password" ? "password" : "text"}
                  value={String(values[f.name] ?? "")}
                  onChange={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
                  error={errorOf(f.name)}
                />
              ),
            )}
            <Button type="submit" mt={24} leftSection={<Plus size={16} aria-hidden />}>
              Add {props.noun}
            </Button>
          </Group>
        </form>
      ) : null}
    </Paper>
  );
}
