"use client";

import {
  Alert,
  Button,
  Code,
  Group,
  List,
  Paper,
  Radio,
  Stack,
  Switch,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useState } from "react";
import type { FieldError } from "@/lib/api";
import { api, errorAt, pathParts } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

/** `GET /api/v1/settings` */
interface Settings {
  upstream_deny: string[] | null;
  upstream_deny_default: string[];
  simulator_show_body: boolean;
}

/** The form's state: the deny list as text, one rule a line (null: the default list applies). */
interface Draft {
  denyText: string | null;
  showBody: boolean;
}

const draftOf = (s: Settings): Draft => ({
  denyText: s.upstream_deny === null ? null : s.upstream_deny.join("\n"),
  showBody: s.simulator_show_body,
});

/** The rules of the text (one a line, blank lines left out) with the line each came from (1-based). */
function rulesOf(text: string): { rule: string; line: number }[] {
  return text
    .split("\n")
    .map((raw, i) => ({ rule: raw.trim(), line: i + 1 }))
    .filter((r) => r.rule !== "");
}

/**
 * The API's errors on `upstream_deny` (the list, or one rule: `upstream_deny[3]`) as one message
 * naming the line and the rule of each.
 */
function denyErrors(errors: FieldError[], rules: { rule: string; line: number }[]) {
  const messages = errors.flatMap((e) => {
    const [field, index] = pathParts(e.path);
    if (field !== "upstream_deny") return [];
    const r = index === undefined ? undefined : rules[Number(index)];
    return [r ? `line ${r.line} (${r.rule}): ${e.message}` : e.message];
  });
  return messages.join("; ") || undefined;
}

/** The control plane's settings (admins only: the page and the API check it). */
export function SettingsForm() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const load = useCallback(async () => {
    const r = await api<Settings>("GET", "/settings");
    if (r.ok) {
      setSettings(r.body);
      setDraft(draftOf(r.body));
    } else setMessage(r.message);
  }, []);
  useLoad(load);

  if (!settings || !draft) {
    return message ? <Alert color="red" role="alert" title={message} /> : null;
  }
  const rules = draft.denyText === null ? null : rulesOf(draft.denyText);

  const save = async () => {
    setSaving(true);
    const r = await api<Settings>("PATCH", "/settings", {
      body: {
        upstream_deny: rules === null ? null : rules.map((x) => x.rule),
        simulator_show_body: draft.showBody,
      },
    });
    setSaving(false);
    if (r.ok) {
      setErrors([]);
      setMessage(null);
      setSettings(r.body);
      setDraft(draftOf(r.body));
      notifications.show({ color: "green", message: "Settings saved." });
    } else {
      setErrors(r.errors);
      setMessage(r.message);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack maw={720}>
        <Paper withBorder p="md" component="section" aria-label="Upstream deny list">
          <Title order={2} size="h4" mb="xs">
            Upstream deny list
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Addresses the data planes never connect to, whatever a service or target says (checked
            on the address connected to, after DNS). Each data plane also refuses its own proxy and
            control ports. A change is a new config version, pushed to every data plane.
          </Text>
          <Radio.Group
            label="Rules"
            value={draft.denyText === null ? "default" : "custom"}
            onChange={(v) =>
              setDraft({
                ...draft,
                // a custom list starts from the default one: removing a rule is a choice
                denyText: v === "default" ? null : settings.upstream_deny_default.join("\n"),
              })
            }
          >
            <Group mt="xs">
              <Radio value="default" label="The default list" />
              <Radio value="custom" label="A custom list" />
            </Group>
          </Radio.Group>
          {draft.denyText === null ? (
            <List size="sm" mt="sm" aria-label="Default deny rules">
              {settings.upstream_deny_default.map((rule) => (
                <List.Item key={rule}>
                  <Code>{rule}</Code>
                </List.Item>
              ))}
            </List>
          ) : (
            <Textarea
              mt="sm"
              label="Deny rules"
              description="One a line: an address or CIDR (169.254.0.0/16, fe80::/10), with a port (10.0.0.5:5432, [::1]:8001), or a port on every address (*:5432)."
              autosize
              minRows={4}
              maxRows={20}
              styles={{ input: { fontFamily: "var(--mono)" } }}
              value={draft.denyText}
              onChange={(e) => setDraft({ ...draft, denyText: e.currentTarget.value })}
              error={denyErrors(errors, rules ?? [])}
            />
          )}
        </Paper>
        <Paper withBorder p="md" component="section" aria-label="Request simulator">
          <Title order={2} size="h4" mb="sm">
            Request simulator
          </Title>
          <Switch
            label="Editors see the upstream's response body"
            description="Admins always do. Off: editors see the upstream's status and headers only (answers of a plugin or of the gateway itself are always shown)."
            checked={draft.showBody}
            onChange={(e) => setDraft({ ...draft, showBody: e.currentTarget.checked })}
            error={errorAt(errors, "simulator_show_body")}
          />
        </Paper>
        {message && errors.length === 0 ? <Alert color="red" role="alert" title={message} /> : null}
        <Group>
          <Button type="submit" loading={saving}>
            Save settings
          </Button>
          <Button
            variant="default"
            onClick={() => {
              setDraft(draftOf(settings));
              setErrors([]);
              setMessage(null);
            }}
          >
            Discard changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
