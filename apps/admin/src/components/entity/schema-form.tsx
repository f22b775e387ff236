"use client";

import { Form } from "@rjsf/mantine";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import { StringListField } from "@/components/entity/string-list-field";
import validator from "@rjsf/validator-ajv8";
import type { ReactNode } from "react";

/** uiSchema entries making every array of plain strings (no enum) one tags input. */
function stringListUi(schema: RJSFSchema, ui: UiSchema = {}): UiSchema {
  const out: UiSchema = { ...ui };
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (typeof prop !== "object") continue;
    const items = prop.items as RJSFSchema | undefined;
    if (prop.type === "array" && items && items.type === "string" && !items.enum) {
      out[key] = { "ui:field": "stringList", ...(ui[key] as UiSchema | undefined) };
    } else if (prop.type === "object" && prop.properties) {
      out[key] = stringListUi(prop, ui[key] as UiSchema | undefined);
    }
  }
  return out;
}

/** Drops `$schema` (draft 2020-12 from zod) and `$id`: rjsf's validator needs neither. */
export function formSchema(schema: unknown): RJSFSchema {
  if (!schema || typeof schema !== "object") return { type: "object" };
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { $schema, $id, ...rest } = schema as Record<string, unknown>;
  return rest as RJSFSchema;
}

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
  return (
    <Form
      idPrefix={props.id}
      schema={props.schema}
      uiSchema={{
        "ui:submitButtonOptions": { norender: true },
        ...stringListUi(props.schema, props.uiSchema),
      }}
      fields={{ stringList: StringListField }}
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
