"use client";

import { TagsInput } from "@mantine/core";
import type { FieldProps } from "@rjsf/utils";

/**
 * An array of strings (tags, paths, hosts...) as one Mantine TagsInput: type a value, press Enter.
 * Used automatically for `type: array` of plain strings (see SchemaForm).
 */
export function StringListField(props: FieldProps) {
  const value = Array.isArray(props.formData) ? (props.formData as unknown[]).map(String) : [];
  const title = props.schema.title ?? props.name;
  const errors = props.rawErrors ?? [];
  const itemErrors = Object.entries((props.errorSchema ?? {}) as Record<string, unknown>)
    .filter(([k]) => k !== "__errors")
    .flatMap(([k, v]) =>
      ((v as { __errors?: string[] }).__errors ?? []).map((m) => `item ${Number(k) + 1}: ${m}`),
    );
  const all = [...errors, ...itemErrors];
  return (
    <TagsInput
      id={props.fieldPathId.$id}
      label={title}
      description={props.schema.description}
      placeholder="Type a value, press Enter"
      value={value}
      required={props.required}
      disabled={props.disabled || props.readonly}
      error={all.length ? all.join("; ") : undefined}
      onChange={(v) => props.onChange(v, props.fieldPathId.path)}
      mb="sm"
    />
  );
}
