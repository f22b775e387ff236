"use client";

import { Form } from "@rjsf/mantine";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import type { ReactNode } from "react";
import { useMemo } from "react";
import {
  EnumSetField,
  JsonValueField,
  KeyValueField,
  NumberWidget,
  ObjectFieldTemplate,
  StringListField,
} from "@/components/schema-form/fields";
import { prepareSchema } from "@/components/schema-form/prepare";

/** A JSON Schema as the form's schema (`$schema`, `$id`, `$defs` dropped; shapes mapped to controls). */
export function formSchema(schema: unknown): RJSFSchema {
  return prepareSchema(schema).schema;
}

/** uiSchema entries of `ui` win over the generated ones, key by key. */
function mergeUi(generated: UiSchema, ui: UiSchema | undefined): UiSchema {
  if (!ui) return generated;
  const out: UiSchema = { ...generated };
  for (const [k, v] of Object.entries(ui)) {
    const g = generated[k] as unknown;
    out[k] =
      g && typeof g === "object" && v && typeof v === "object" && !k.startsWith("ui:")
        ? mergeUi(g as UiSchema, v as UiSchema)
        : v;
  }
  return out;
}

const FIELDS = {
  stringList: StringListField,
  enumSet: EnumSetField,
  keyValue: KeyValueField,
  jsonValue: JsonValueField,
};
const WIDGETS = { gatehouseNumber: NumberWidget };
const TEMPLATES = { ObjectFieldTemplate };

export interface SchemaFormProps {
  id: string;
  schema: RJSFSchema;
  uiSchema?: UiSchema;
  formData: unknown;
  onChange: (data: unknown) => void;
  onSubmit: (data: unknown) => void;
  /** Field errors from the API (nested `__errors`), shown next to each field. */
  errors?: Record<string, unknown>;
  disabled?: boolean;
  children?: ReactNode;
}

/**
 * A react-jsonschema-form (Mantine theme) form. Validation is the API's (the same schemas the data plane
 * uses): the browser does not pre-validate, and the API's field errors are shown next to the fields.
 */
export function SchemaForm(props: SchemaFormProps) {
  const prepared = useMemo(() => prepareSchema(props.schema), [props.schema]);
  return (
    <Form
      idPrefix={props.id}
      schema={prepared.schema}
      uiSchema={{
        "ui:submitButtonOptions": { norender: true },
        ...mergeUi(prepared.uiSchema, props.uiSchema),
      }}
      fields={FIELDS}
      widgets={WIDGETS}
      templates={TEMPLATES}
      formData={props.formData}
      validator={validator}
      noValidate
      noHtml5Validate
      showErrorList={false}
      extraErrors={props.errors as ErrorSchema | undefined}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.formData)}
      onSubmit={(e) => props.onSubmit(e.formData)}
    >
      {props.children}
    </Form>
  );
}
