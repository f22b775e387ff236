"use client";

import { Code, Table, Text } from "@mantine/core";

interface Row {
  field: string;
  type: string;
  default: string;
  description: string;
  required: boolean;
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
};

function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(" | ");
  const t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
  if (t === "array" && s.items) return `array of ${typeOf(s.items)}`;
  const range =
    s.minimum !== undefined || s.maximum !== undefined
      ? ` (${s.minimum ?? ""}..${s.maximum ?? ""})`
      : "";
  return t + range;
}

/** Every field of a JSON Schema, nested objects flattened to `a.b`. */
export function flattenSchema(schema: Schema, prefix = ""): Row[] {
  const rows: Row[] = [];
  const required = new Set(schema.required ?? []);
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const field = prefix ? `${prefix}.${key}` : key;
    rows.push({
      field,
      type: typeOf(prop),
      default: prop.default === undefined ? "" : JSON.stringify(prop.default),
      description: prop.description ?? "",
      required: required.has(key),
    });
    if (prop.properties) rows.push(...flattenSchema(prop, field));
    if (prop.items?.properties) rows.push(...flattenSchema(prop.items, `${field}[]`));
  }
  return rows;
}

/** The config reference generated from the plugin's JSON Schema. */
export function ConfigReference({ schema }: { schema: unknown }) {
  const rows = flattenSchema(schema as Schema);
  if (rows.length === 0) return <Text c="dimmed">This plugin takes no configuration.</Text>;
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table striped aria-label="Configuration reference">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Field</Table.Th>
            <Table.Th scope="col">Type</Table.Th>
            <Table.Th scope="col">Default</Table.Th>
            <Table.Th scope="col">Required</Table.Th>
            <Table.Th scope="col">Description</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.field}>
              <Table.Th scope="row">
                <Code>{r.field}</Code>
              </Table.Th>
              <Table.Td>{r.type}</Table.Td>
              <Table.Td>{r.default ? <Code>{r.default}</Code> : null}</Table.Td>
              <Table.Td>{r.required ? "yes" : "no"}</Table.Td>
              <Table.Td>{r.description}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
