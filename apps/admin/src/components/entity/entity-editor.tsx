"use client";

import { Alert, Button, Group, List, Loader, Paper } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { Save, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { ConfirmButton } from "@/components/entity/confirm-button";
import { SchemaForm } from "@/components/entity/schema-form";
import { useCurrentUser } from "@/components/user-context";
import type { FieldError } from "@/lib/api";
import { useLoad } from "@/lib/use-load";
import { api, toErrorSchema } from "@/lib/api";

type Entity = Record<string, unknown> & { id: string; version: number };

export interface EntityDefinition {
  /** API collection, e.g. "/services". */
  resource: string;
  noun: string;
  /** Console path of the list, e.g. "/services". */
  listHref: string;
  schema: RJSFSchema;
  uiSchema?: UiSchema;
  /** API entity → form data. */
  toForm: (entity: Entity) => Record<string, unknown>;
  /** Form data → request body (empty strings and empty lists dropped or nulled). */
  fromForm: (form: Record<string, unknown>, editing: boolean) => Record<string, unknown>;
  name: (entity: Entity) => string;
}

/**
 * Create or edit one entity through the API: the API's field errors are shown next to the fields; a stale
 * edit (someone saved in between: 409 on If-Match) offers to reload; delete asks first.
 */
export function EntityEditor({
  definition: def,
  id,
  onLoaded,
  initial,
}: {
  definition: EntityDefinition;
  id: string | null;
  onLoaded?: (entity: Entity) => void;
  /** Form data a new entity starts with (e.g. the service of "Add route" on a service page). */
  initial?: Record<string, unknown>;
}) {
  const router = useRouter();
  const { canEdit } = useCurrentUser();
  const [entity, setEntity] = useState<Entity | null>(null);
  const [form, setForm] = useState<Record<string, unknown>>(initial ?? {});
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!id) return;
    const r = await api<Entity>("GET", `${def.resource}/${encodeURIComponent(id)}`);
    if (!r.ok) {
      setLoadError(r.message);
      return;
    }
    setEntity(r.body);
    setForm(def.toForm(r.body));
    setFieldErrors([]);
    setMessage(null);
    setStale(false);
    onLoaded?.(r.body);
  }, [id, def, onLoaded]);

  useLoad(load);

  async function save(data: Record<string, unknown>) {
    setSaving(true);
    setMessage(null);
    setFieldErrors([]);
    setStale(false);
    const body = def.fromForm(data, entity !== null);
    const r = entity
      ? await api<Entity>("PATCH", `${def.resource}/${entity.id}`, {
          body,
          ifMatch: entity.version,
        })
      : await api<Entity>("POST", def.resource, { body });
    setSaving(false);
    if (r.ok) {
      notifications.show({ color: "green", message: `Saved ${def.noun} ${def.name(r.body)}` });
      if (!entity) {
        router.push(`${def.listHref}/${r.body.id}`);
        return;
      }
      setEntity(r.body);
      setForm(def.toForm(r.body));
      onLoaded?.(r.body);
      return;
    }
    if (r.code === "stale") {
      setStale(true);
      return;
    }
    setFieldErrors(r.errors);
    setMessage(r.message);
  }

  if (loadError) {
    return (
      <Alert color="red" role="alert" title={`The ${def.noun} could not be loaded`}>
        {loadError}
      </Alert>
    );
  }
  if (id && !entity) return <Loader role="status" aria-label="Loading" />;

  const formId = `${def.noun.replace(/\W/g, "-")}-form`;
  return (
    <Paper withBorder p="lg" maw={760}>
      {stale ? (
        <Alert color="yellow" role="alert" title="Changed by someone else" mb="md">
          This {def.noun} was changed since you opened it, so your edit was not saved.
          <Group mt="sm">
            <Button size="xs" onClick={() => void load()}>
              Reload
            </Button>
          </Group>
        </Alert>
      ) : null}
      {message ? (
        <Alert color="red" role="alert" title={message} mb="md">
          {fieldErrors.length ? (
            <List size="sm">
              {fieldErrors.map((e) => (
                <List.Item key={`${e.path}:${e.message}`}>
                  {e.path}: {e.message}
                </List.Item>
              ))}
            </List>
          ) : null}
        </Alert>
      ) : null}
      <SchemaForm
        id={formId}
        schema={def.schema}
        uiSchema={def.uiSchema}
        formData={form}
        onChange={(d) => setForm(d as Record<string, unknown>)}
        onSubmit={(d) => void save(d as Record<string, unknown>)}
        errors={toErrorSchema(fieldErrors)}
        disabled={!canEdit}
      >
        {canEdit ? (
          <Group mt="lg" justify="space-between">
            <Button type="submit" loading={saving} leftSection={<Save size={16} aria-hidden />}>
              {entity ? `Save ${def.noun}` : `Create ${def.noun}`}
            </Button>
            {entity ? (
              <ConfirmButton
                label={`Delete ${def.noun}`}
                title={`Delete ${def.noun} ${def.name(entity)}?`}
                message={`The ${def.noun} ${def.name(entity)} is removed from every data plane. This cannot be undone (but the config history can roll back).`}
                confirmLabel="Delete"
                leftSection={<Trash2 size={16} aria-hidden />}
                onConfirm={async () => {
                  const r = await api("DELETE", `${def.resource}/${entity.id}`, {
                    ifMatch: entity.version,
                  });
                  if (r.ok) {
                    notifications.show({ color: "green", message: `Deleted ${def.name(entity)}` });
                    router.push(def.listHref);
                  } else if (r.code === "stale") setStale(true);
                  else setMessage(r.message);
                }}
              />
            ) : null}
          </Group>
        ) : null}
      </SchemaForm>
    </Paper>
  );
}
