import type { RJSFSchema, UiSchema } from "@rjsf/utils";

/**
 * Turns a plugin's JSON Schema (zod's output) into what react-jsonschema-form renders with a fitting
 * control for every shape, without anything per plugin:
 *
 * - `anyOf [T, {type: null}]` and `type: [T, "null"]` become T with a "not set" state (an empty input
 *   leaves the field out; the plugin's schema treats a missing field like null);
 * - objects with `additionalProperties` and no `properties` (records, maps) → a key/value editor;
 * - arrays of strings → a tag input (arrays of enums: checkboxes when `uniqueItems`, else ordered tags
 *   limited to the enum);
 * - strings with a `contentMediaType` (templates, bodies) → a multi-line editor; secrets → a password
 *   input; any JSON value (no type, or a `$ref` to a recursive JSON type) → a text / JSON editor;
 * - `deprecated` fields (Kong's fields Gatehouse refuses) are left out of the form;
 * - every field's help text is its description, plus its default and an example when the schema has them.
 */

export type Node = RJSFSchema & {
  secret?: boolean;
  contentMediaType?: string;
  deprecated?: boolean;
};

export interface Prepared {
  schema: RJSFSchema;
  uiSchema: UiSchema;
}

const isNull = (s: unknown): boolean =>
  typeof s === "object" && s !== null && (s as Node).type === "null";

/** `{anyOf: [T, null]}` / `{type: [T, "null"]}` → T (annotations of the outer node kept) and whether it was nullable. */
export function unwrapNullable(schema: Node): { schema: Node; nullable: boolean } {
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts) && alts.length === 2 && alts.some(isNull)) {
    const other = alts.find((a) => !isNull(a)) as Node;
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { anyOf, oneOf, ...outer } = schema;
    return { schema: { ...other, ...outer }, nullable: true };
  }
  if (Array.isArray(schema.type) && schema.type.includes("null")) {
    const rest = schema.type.filter((t) => t !== "null");
    return {
      schema: { ...schema, type: rest.length === 1 ? rest[0] : rest } as Node,
      nullable: true,
    };
  }
  return { schema, nullable: false };
}

/** What kind of control a (non-null) schema node gets. */
export type Shape =
  | "hidden"
  | "json"
  | "object"
  | "record"
  | "objectList"
  | "stringList"
  | "enumSet"
  | "enumList"
  | "enum"
  | "boolean"
  | "number"
  | "text"
  | "multiline"
  | "secret";

export function shapeOf(schema: Node): Shape {
  if (schema.deprecated) return "hidden";
  if (schema.$ref) return "json";
  if (schema.enum) return "enum";
  switch (schema.type) {
    case "object":
      if (schema.properties) return "object";
      return "record";
    case "array": {
      const items = unwrapNullable((schema.items ?? {}) as Node).schema;
      if (items.type === "string" || items.enum) {
        if (items.enum) return schema.uniqueItems ? "enumSet" : "enumList";
        return "stringList";
      }
      return "objectList";
    }
    case "boolean":
      return "boolean";
    case "number":
    case "integer":
      return "number";
    case "string":
      if (schema.secret || schema.writeOnly) return "secret";
      if (schema.contentMediaType) return "multiline";
      return "text";
    default:
      return "json";
  }
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function helpText(schema: Node): string | undefined {
  const parts: string[] = [];
  if (schema.description) parts.push(schema.description);
  const isObject = schema.type === "object" && schema.properties;
  if (schema.default !== undefined && !isObject) parts.push(`Default: ${show(schema.default)}.`);
  return parts.length ? parts.join(" ") : undefined;
}

function placeholder(schema: Node, nullable: boolean): string | undefined {
  const example = Array.isArray(schema.examples) ? schema.examples[0] : undefined;
  const eg =
    example === undefined
      ? undefined
      : Array.isArray(example)
        ? `e.g. ${example.map(show).join(", ")}`
        : `e.g. ${show(example)}`;
  if (nullable) return eg ? `not set (${eg})` : "not set";
  return eg;
}

function prepareNode(raw: Node, itemTitle?: string): Prepared {
  const { schema: unwrapped, nullable } = unwrapNullable(raw);
  const shape = shapeOf(unwrapped);
  // rjsf's own validator is not used (the admin validates); formats and patterns only confuse inputs.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { format, pattern, ...schema } = unwrapped;
  const description = helpText(schema);
  const options: Record<string, string | number | boolean | object | undefined> = {
    nullable,
    shape,
  };
  const ph = placeholder(schema, nullable);
  if (ph) options.placeholder = ph;
  if (itemTitle) options.itemTitle = itemTitle;
  const ui: UiSchema = { "ui:options": options };
  if (description) ui["ui:description"] = description;
  const out: Node = { ...schema };
  if (description !== undefined) out.description = description;

  switch (shape) {
    case "hidden":
      return { schema: {}, uiSchema: { "ui:widget": "hidden" } };
    case "json":
      return {
        schema: { title: schema.title, description },
        uiSchema: { ...ui, "ui:field": "jsonValue" },
      };
    case "object": {
      const props: Record<string, RJSFSchema> = {};
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (unwrapNullable(child as Node).schema.deprecated) continue;
        const p = prepareNode(child as Node);
        props[key] = p.schema;
        ui[key] = p.uiSchema;
      }
      out.properties = props;
      return { schema: out, uiSchema: ui };
    }
    case "record":
      return { schema: out, uiSchema: { ...ui, "ui:field": "keyValue" } };
    case "objectList": {
      const items = prepareNode((schema.items ?? {}) as Node, String(schema.title ?? "Item"));
      out.items = items.schema;
      ui.items = items.uiSchema;
      return { schema: out, uiSchema: ui };
    }
    case "stringList":
    case "enumList":
    case "enumSet": {
      const items = unwrapNullable((schema.items ?? {}) as Node).schema;
      out.items = items;
      options.choices = items.enum;
      return {
        schema: out,
        uiSchema: { ...ui, "ui:field": shape === "enumSet" ? "enumSet" : "stringList" },
      };
    }
    case "enum":
      // Mantine's Select clears a field when its selected option is picked again: only a field that
      // may be null can be emptied that way (a one-value enum such as proxy-cache's `strategy` lost
      // its value when its only option was clicked).
      options.allowDeselect = nullable;
      return { schema: out, uiSchema: ui };
    case "number":
      return { schema: out, uiSchema: { ...ui, "ui:widget": "gatehouseNumber" } };
    case "secret":
      return { schema: out, uiSchema: { ...ui, "ui:widget": "password" } };
    case "multiline":
      return {
        schema: out,
        uiSchema: { ...ui, "ui:widget": "textarea", "ui:options": { ...options, rows: 4 } },
      };
    default:
      return { schema: out, uiSchema: ui };
  }
}

/** The form's schema and uiSchema for a plugin's JSON Schema (`$schema`, `$id` and `$defs` dropped). */
export function prepareSchema(input: unknown): Prepared {
  if (!input || typeof input !== "object") return { schema: { type: "object" }, uiSchema: {} };
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { $schema, $id, $defs, ...rest } = input as Record<string, unknown>;
  const root = prepareNode(rest as Node);
  return root;
}
