"use client";

import {
  Alert,
  Button,
  Group,
  List,
  Modal,
  Paper,
  Radio,
  Select,
  Switch,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { Power } from "lucide-react";
import type { RJSFSchema } from "@rjsf/utils";
import { useEffect, useRef, useState } from "react";
import { SchemaForm } from "@/components/entity/schema-form";
import type { FieldError } from "@/lib/api";
import { api, toErrorSchema } from "@/lib/api";

export type Scope = "global" | "service" | "route" | "consumer";

const COLLECTION: Record<
  Exclude<Scope, "global">,
  { path: string; label: string; name: string }
> = {
  service: { path: "/services", label: "Service", name: "name" },
  route: { path: "/routes", label: "Route", name: "name" },
  consumer: { path: "/consumers", label: "Consumer", name: "username" },
};

/** What enabling at a scope affects, said before it happens. */
export const BLAST_RADIUS: Record<Scope, string> = {
  global:
    "applies to every route of every service (and to routes without a service), for every consumer",
  service: "applies to every route of the chosen service",
  route: "applies to the chosen route only",
  consumer: "applies to the chosen consumer's requests on every route",
};

/**
 * "Enable": pick a scope (and the entity), fill the form generated from the plugin's JSON Schema (or raw
 * JSON), save through the API — which validates with the data plane's schema, commits a version and
 * pushes it. The API's field errors appear next to the fields.
 */
export function EnablePlugin(props: {
  plugin: string;
  title: string;
  scopes: Scope[];
  schema: unknown;
  onEnabled: () => void;
  initialScope?: { scope: Scope; id: string } | null;
}) {
  // No default: where a plugin runs is always an explicit choice.
  const [scope, setScope] = useState<Scope | null>(props.initialScope?.scope ?? null);
  const [confirmGlobal, setConfirmGlobal] = useState<Record<string, unknown> | null>(null);
  const [entityId, setEntityId] = useState<string | null>(props.initialScope?.id ?? null);
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [raw, setRaw] = useState(false);
  // The form's data lives in a ref (rjsf reports every keystroke); `formSeed` re-seeds the form when
  // switching back from raw JSON.
  const config = useRef<Record<string, unknown>>({});
  const [formSeed, setFormSeed] = useState<{ n: number; data: Record<string, unknown> }>({
    n: 0,
    data: {},
  });
  const [rawText, setRawText] = useState("{}");
  const [rawError, setRawError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const schema = props.schema as RJSFSchema;

  useEffect(() => {
    if (scope === null || scope === "global") return;
    const c = COLLECTION[scope];
    let cancelled = false;
    void api<{ data: Record<string, unknown>[] }>("GET", `${c.path}?size=1000`).then((r) => {
      if (cancelled || !r.ok) return;
      setOptions(
        r.body.data.map((e) => ({
          value: String(e.id),
          label: String(e[c.name] ?? e.custom_id ?? e.id),
        })),
      );
    });
    return () => {
      cancelled = true;
    };
  }, [scope]);

  function toggleRaw(on: boolean) {
    if (on) {
      setRawText(JSON.stringify(config.current, null, 2));
      setRawError(null);
    } else {
      try {
        const data = JSON.parse(rawText) as Record<string, unknown>;
        config.current = data;
        setFormSeed((f) => ({ n: f.n + 1, data }));
        setRawError(null);
      } catch (e) {
        setRawError(`not valid JSON: ${(e as Error).message}`);
        return;
      }
    }
    setRaw(on);
  }

  async function enable(formConfig: Record<string, unknown>, confirmed = false) {
    let cfg = formConfig;
    if (raw) {
      try {
        cfg = JSON.parse(rawText) as Record<string, unknown>;
      } catch (e) {
        setRawError(`not valid JSON: ${(e as Error).message}`);
        return;
      }
    }
    if (scope === null) {
      setErrors([{ path: "scope", message: "choose where the plugin applies" }]);
      setMessage("the request is invalid");
      return;
    }
    if (scope === "global" && !confirmed) {
      setConfirmGlobal(cfg);
      return;
    }
    if (scope !== "global" && !entityId) {
      setErrors([{ path: scope, message: `choose a ${scope}` }]);
      setMessage("the request is invalid");
      return;
    }
    // Keep what was typed when the API's errors re-render the form.
    if (!raw) setFormSeed((f) => ({ n: f.n, data: cfg }));
    setSaving(true);
    setErrors([]);
    setMessage(null);
    const body: Record<string, unknown> = { name: props.plugin, config: cfg, enabled: true };
    if (scope !== "global") body[scope] = { id: entityId };
    const r = await api("POST", "/plugins", { body });
    setSaving(false);
    if (r.ok) {
      notifications.show({ color: "green", message: `${props.title} enabled (${scope})` });
      props.onEnabled();
      return;
    }
    setErrors(r.errors);
    setMessage(r.message);
  }

  const configErrors = errors.filter((e) => e.path === "config" || e.path.startsWith("config."));
  const otherErrors = errors.filter((e) => !configErrors.includes(e));
  const entityError = otherErrors
    .filter((e) => scope && (e.path === scope || e.path.startsWith(`${scope}.`)))
    .map((e) => e.message)
    .join("; ");
  const scopeError = otherErrors
    .filter((e) => e.path === "scope")
    .map((e) => e.message)
    .join("; ");

  return (
    <Paper withBorder p="lg" component="section" aria-label={`Enable ${props.title}`}>
      <Title order={2} size="h4" mb="md">
        Enable {props.title}
      </Title>
      <Radio.Group
        label="Scope"
        description={scope ? `The plugin ${BLAST_RADIUS[scope]}.` : "Where the plugin applies."}
        value={scope}
        onChange={(v) => {
          setScope(v as Scope);
          setEntityId(null);
          setOptions([]);
          setErrors((list) => list.filter((e) => e.path !== "scope"));
        }}
        error={scopeError || undefined}
        mb="md"
      >
        <Group mt="xs">
          {props.scopes.map((s) => (
            <Radio key={s} value={s} label={s[0]!.toUpperCase() + s.slice(1)} />
          ))}
        </Group>
      </Radio.Group>
      {scope !== null && scope !== "global" ? (
        <Select
          label={COLLECTION[scope].label}
          placeholder={`Choose a ${scope}`}
          data={options}
          value={entityId}
          onChange={setEntityId}
          searchable
          error={entityError || undefined}
          mb="md"
          maw={420}
        />
      ) : null}
      <Modal
        opened={confirmGlobal !== null}
        onClose={() => setConfirmGlobal(null)}
        title={`Enable ${props.title} globally?`}
        centered
      >
        <Text mb="lg">
          {props.title} {BLAST_RADIUS.global}: every request through every data plane.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirmGlobal(null)}>
            Cancel
          </Button>
          <Button
            onClick={() => {
              const cfg = confirmGlobal ?? {};
              setConfirmGlobal(null);
              void enable(cfg, true);
            }}
          >
            Enable globally
          </Button>
        </Group>
      </Modal>
      {message ? (
        <Alert color="red" role="alert" title={message} mb="md">
          <List size="sm">
            {errors.map((e) => (
              <List.Item key={`${e.path}:${e.message}`}>
                {e.path}: {e.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      <Switch
        label="Edit as raw JSON"
        checked={raw}
        onChange={(e) => toggleRaw(e.currentTarget.checked)}
        mb="md"
      />
      {raw ? (
        <form
          aria-label="Plugin configuration"
          onSubmit={(e) => {
            e.preventDefault();
            void enable({});
          }}
        >
          <Textarea
            label="Configuration (JSON)"
            autosize
            minRows={8}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            value={rawText}
            onChange={(e) => setRawText(e.currentTarget.value)}
            error={
              rawError ??
              (configErrors.length
                ? configErrors.map((e) => `${e.path}: ${e.message}`).join("; ")
                : undefined)
            }
          />
          <Button
            type="submit"
            mt="md"
            loading={saving}
            leftSection={<Power size={16} aria-hidden />}
          >
            Enable plugin
          </Button>
        </form>
      ) : (
        <SchemaForm
          key={formSeed.n}
          id="config"
          schema={schema}
          formData={formSeed.data}
          onChange={(d) => {
            config.current = (d ?? {}) as Record<string, unknown>;
          }}
          onSubmit={(d) => void enable((d ?? config.current) as Record<string, unknown>)}
          errors={toErrorSchema(configErrors, "config")}
        >
          <Group mt="md">
            <Button type="submit" loading={saving} leftSection={<Power size={16} aria-hidden />}>
              Enable plugin
            </Button>
          </Group>
        </SchemaForm>
      )}
    </Paper>
  );
}
