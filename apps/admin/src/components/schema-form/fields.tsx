"use client";

import {
  ActionIcon,
  Button,
  Checkbox,
  Fieldset,
  Group,
  NumberInput,
  SegmentedControl,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import type { FieldProps, ObjectFieldTemplateProps, WidgetProps } from "@rjsf/utils";
import { Plus, Trash2 } from "lucide-react";
import { useState } from "react";

type Options = {
  nullable?: boolean;
  placeholder?: string;
  choices?: unknown[];
  itemTitle?: string;
};

const optionsOf = (ui: unknown): Options =>
  ((ui as Record<string, unknown> | undefined)?.["ui:options"] ?? {}) as Options;

const descriptionOf = (props: FieldProps): string | undefined =>
  ((props.uiSchema as Record<string, unknown> | undefined)?.["ui:description"] as
    string | undefined) ?? props.schema.description;

/** The field's own errors and those of its items / entries (`a.b[2]` → "item 3: ..."; record keys by name). */
function errorsOf(props: FieldProps, describe: (key: string) => string): string | undefined {
  const own = props.rawErrors ?? [];
  const nested = Object.entries((props.errorSchema ?? {}) as Record<string, unknown>)
    .filter(([k]) => k !== "__errors")
    .flatMap(([k, v]) =>
      ((v as { __errors?: string[] }).__errors ?? []).map((m) => `${describe(k)}: ${m}`),
    );
  const all = [...own, ...nested];
  return all.length ? all.join("; ") : undefined;
}

/**
 * An array of strings (tags, header names, CIDRs, groups...) as one Mantine TagsInput: type a value,
 * press Enter. With `choices` (an array of an enum, order and repeats significant) only those values.
 * An empty list of a nullable field is "not set".
 */
export function StringListField(props: FieldProps) {
  const opts = optionsOf(props.uiSchema);
  const value = Array.isArray(props.formData) ? (props.formData as unknown[]).map(String) : [];
  const choices = opts.choices?.map(String);
  return (
    <TagsInput
      id={props.fieldPathId.$id}
      label={props.schema.title ?? props.name}
      description={descriptionOf(props)}
      placeholder={value.length ? undefined : (opts.placeholder ?? "Type a value, press Enter")}
      data={choices}
      allowDuplicates={!!choices}
      value={value}
      required={props.required}
      disabled={props.disabled || props.readonly}
      error={errorsOf(props, (k) => `item ${Number(k) + 1}`)}
      onChange={(v) => {
        const next = choices ? v.filter((x) => choices.includes(x)) : v;
        props.onChange(
          next.length === 0 && opts.nullable ? undefined : next,
          props.fieldPathId.path,
        );
      }}
      mb="sm"
    />
  );
}

/** An array of distinct enum values (`uniqueItems`): one checkbox per value. */
export function EnumSetField(props: FieldProps) {
  const opts = optionsOf(props.uiSchema);
  const choices = (opts.choices ?? []).map(String);
  const value = Array.isArray(props.formData) ? (props.formData as unknown[]).map(String) : [];
  const title = props.schema.title ?? props.name;
  return (
    <Checkbox.Group
      id={props.fieldPathId.$id}
      label={title}
      description={descriptionOf(props)}
      value={value}
      error={errorsOf(props, (k) => `item ${Number(k) + 1}`)}
      onChange={(v) => {
        const ordered = choices.filter((c) => v.includes(c));
        props.onChange(
          ordered.length === 0 && opts.nullable ? undefined : ordered,
          props.fieldPathId.path,
        );
      }}
      mb="sm"
    >
      <Group gap="md" mt={6} role="group" aria-label={title}>
        {choices.map((c) => (
          <Checkbox
            key={c}
            id={`${props.fieldPathId.$id}__${c}`}
            value={c}
            label={c}
            disabled={props.disabled || props.readonly}
          />
        ))}
      </Group>
    </Checkbox.Group>
  );
}

type Pair = { key: string; value: string };

const pairsOf = (data: unknown): Pair[] =>
  data && typeof data === "object" && !Array.isArray(data)
    ? Object.entries(data as Record<string, unknown>).map(([key, value]) => ({
        key,
        value: typeof value === "string" ? value : JSON.stringify(value),
      }))
    : [];

/** A record / map (`additionalProperties`): rows of name and value, "Add entry", remove per row. */
export function KeyValueField(props: FieldProps) {
  const opts = optionsOf(props.uiSchema);
  const [rows, setRows] = useState<Pair[]>(() => pairsOf(props.formData));
  const id = props.fieldPathId.$id;
  const title = String(props.schema.title ?? props.name);
  const disabled = props.disabled || props.readonly;
  const errorSchema = (props.errorSchema ?? {}) as Record<string, { __errors?: string[] }>;

  function commit(next: Pair[]) {
    setRows(next);
    const out: Record<string, string> = {};
    for (const r of next) if (r.key !== "") out[r.key] = r.value;
    const empty = Object.keys(out).length === 0;
    props.onChange(empty && opts.nullable ? undefined : out, props.fieldPathId.path);
  }

  return (
    <Fieldset id={id} legend={title} mb="sm" variant="unstyled" className="schema-section">
      {descriptionOf(props) ? (
        <Text size="xs" c="dimmed" mb="xs">
          {descriptionOf(props)}
        </Text>
      ) : null}
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed" mb="xs">
          {opts.nullable ? "Not set." : "No entries."}
        </Text>
      ) : null}
      <Stack gap="xs">
        {rows.map((row, i) => (
          <Group key={i} align="start" wrap="nowrap" gap="xs">
            <TextInput
              id={`${id}__key_${i}`}
              aria-label={`${title}: name ${i + 1}`}
              placeholder="Name"
              value={row.key}
              disabled={disabled}
              error={errorSchema[row.key]?.__errors?.join("; ")}
              onChange={(e) =>
                commit(rows.map((r, j) => (j === i ? { ...r, key: e.currentTarget.value } : r)))
              }
              style={{ flex: 1 }}
            />
            <TextInput
              id={`${id}__value_${i}`}
              aria-label={`${title}: value ${i + 1}`}
              placeholder="Value"
              value={row.value}
              disabled={disabled}
              onChange={(e) =>
                commit(rows.map((r, j) => (j === i ? { ...r, value: e.currentTarget.value } : r)))
              }
              style={{ flex: 2 }}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              mt={6}
              disabled={disabled}
              aria-label={`Remove ${title} entry ${i + 1}`}
              onClick={() => commit(rows.filter((_, j) => j !== i))}
            >
              <Trash2 size={16} aria-hidden />
            </ActionIcon>
          </Group>
        ))}
      </Stack>
      {props.rawErrors?.length ? (
        <Text size="xs" c="red" mt={4}>
          {props.rawErrors.join("; ")}
        </Text>
      ) : null}
      <Button
        id={`${id}__add`}
        variant="light"
        size="xs"
        mt="xs"
        disabled={disabled}
        leftSection={<Plus size={14} aria-hidden />}
        onClick={() => setRows([...rows, { key: "", value: "" }])}
      >
        Add entry to {title}
      </Button>
    </Fieldset>
  );
}

/**
 * Any JSON value (e.g. a mock body): "Text" sends the text as a string, "JSON" parses it (numbers,
 * objects, arrays...). Empty is "not set".
 */
export function JsonValueField(props: FieldProps) {
  const initial = props.formData;
  const [mode, setMode] = useState<"text" | "json">(
    initial === undefined || typeof initial === "string" ? "text" : "json",
  );
  const [text, setText] = useState<string>(
    initial === undefined
      ? ""
      : typeof initial === "string"
        ? initial
        : JSON.stringify(initial, null, 2),
  );
  const [parseError, setParseError] = useState<string | null>(null);
  const id = props.fieldPathId.$id;
  const title = String(props.schema.title ?? props.name);

  function emit(nextText: string, nextMode: "text" | "json") {
    setText(nextText);
    if (nextText === "") {
      setParseError(null);
      props.onChange(undefined, props.fieldPathId.path);
      return;
    }
    if (nextMode === "text") {
      setParseError(null);
      props.onChange(nextText, props.fieldPathId.path);
      return;
    }
    try {
      props.onChange(JSON.parse(nextText) as never, props.fieldPathId.path);
      setParseError(null);
    } catch (e) {
      setParseError(`not valid JSON: ${(e as Error).message}`);
    }
  }

  const errors = [...(parseError ? [parseError] : []), ...(props.rawErrors ?? [])];
  return (
    <Stack gap={4} mb="sm">
      <SegmentedControl
        size="xs"
        w="fit-content"
        aria-label={`${title}: format`}
        value={mode}
        onChange={(v) => {
          setMode(v as "text" | "json");
          emit(text, v as "text" | "json");
        }}
        data={[
          { value: "text", label: "Text" },
          { value: "json", label: "JSON" },
        ]}
        disabled={props.disabled || props.readonly}
      />
      <Textarea
        id={id}
        label={title}
        description={descriptionOf(props)}
        placeholder={mode === "text" ? "not set" : 'not set (e.g. {"ok": true})'}
        autosize
        minRows={3}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        value={text}
        disabled={props.disabled || props.readonly}
        error={errors.length ? errors.join("; ") : undefined}
        onChange={(e) => emit(e.currentTarget.value, mode)}
      />
    </Stack>
  );
}

/** Numbers: an empty input is "not set" (left out), never "" sent as a number. */
export function NumberWidget(props: WidgetProps) {
  const opts = props.options as Options;
  const min = props.schema.minimum ?? props.schema.exclusiveMinimum;
  const max = props.schema.maximum ?? props.schema.exclusiveMaximum;
  return (
    <NumberInput
      id={props.id}
      label={props.label}
      description={props.options.description ?? props.schema.description}
      placeholder={opts.placeholder ?? props.placeholder}
      required={props.required}
      disabled={props.disabled || props.readonly}
      value={typeof props.value === "number" ? props.value : ""}
      min={typeof min === "number" ? min : undefined}
      max={typeof max === "number" && max < Number.MAX_SAFE_INTEGER ? max : undefined}
      allowDecimal={props.schema.type !== "integer"}
      error={props.rawErrors?.length ? props.rawErrors.join("; ") : undefined}
      onChange={(v) => props.onChange(typeof v === "number" ? v : undefined)}
      onBlur={() => props.onBlur(props.id, props.value)}
      onFocus={() => props.onFocus(props.id, props.value)}
      mb="sm"
    />
  );
}

/**
 * Objects: the form's root as a plain list; a nested object as a titled section (its description and
 * errors at its level under the title); an item of an array of objects as "<array title> <n>".
 */
export function ObjectFieldTemplate(props: ObjectFieldTemplateProps) {
  const path = props.fieldPathId.path;
  const content = props.properties.filter((p) => !p.hidden).map((p) => p.content);
  if (path.length === 0) return <Stack gap={0}>{content}</Stack>;
  const last = path[path.length - 1];
  const opts = optionsOf(props.uiSchema);
  const legend =
    typeof last === "number" ? `${opts.itemTitle ?? "Item"} ${last + 1}` : String(props.title);
  const description =
    (props.uiSchema?.["ui:description"] as string | undefined) ?? props.description;
  const errors = (props.errorSchema as { __errors?: string[] } | undefined)?.__errors ?? [];
  return (
    <Fieldset id={props.fieldPathId.$id} legend={legend} mb="sm" className="schema-section">
      {description ? (
        <Text size="xs" c="dimmed" mb="xs">
          {description}
        </Text>
      ) : null}
      {errors.length ? (
        <Text size="xs" c="red" mb="xs" role="alert">
          {errors.join("; ")}
        </Text>
      ) : null}
      {content}
    </Fieldset>
  );
}
