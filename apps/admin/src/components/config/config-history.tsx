"use client";

import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Select,
  Table,
  Tabs,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { Download, History, Upload } from "lucide-react";
import { useCallback, useState } from "react";
import { stringify } from "yaml";
import { ConfirmButton } from "@/components/entity/confirm-button";
import type { ConfigDiff } from "@/components/config/diff-summary";
import { DiffSummary } from "@/components/config/diff-summary";
import { SideBySide } from "@/components/config/side-by-side";
import { useCurrentUser } from "@/components/user-context";
import type { FieldError } from "@/lib/api";
import { useLoad } from "@/lib/use-load";
import { api } from "@/lib/api";

interface Version {
  version: number;
  hash: string;
  author: string;
  message: string | null;
  created_at: string;
}

function Versions() {
  const { canEdit } = useCurrentUser();
  const [versions, setVersions] = useState<Version[]>([]);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [compare, setCompare] = useState<{
    left: string;
    right: string;
    diff: ConfigDiff;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await api<{ data: Version[] }>("GET", "/config/versions?size=100");
    if (r.ok) {
      setVersions(r.body.data);
      const [newest, previous] = r.body.data;
      setTo((t) => t ?? (newest ? String(newest.version) : null));
      setFrom((f) => f ?? (previous ? String(previous.version) : null));
    } else setError(r.message);
  }, []);
  useLoad(load);

  async function runCompare() {
    if (!from || !to) return;
    const [a, b, d] = await Promise.all([
      api<{ snapshot: unknown }>("GET", `/config/versions/${from}`),
      api<{ snapshot: unknown }>("GET", `/config/versions/${to}`),
      api<{ diff: ConfigDiff }>("GET", `/config/versions/diff?from=${from}&to=${to}`),
    ]);
    if (!a.ok || !b.ok || !d.ok) {
      setError(a.message || b.message || d.message);
      return;
    }
    setCompare({
      left: stringify(a.body.snapshot),
      right: stringify(b.body.snapshot),
      diff: d.body.diff,
    });
  }

  const options = versions.map((v) => ({
    value: String(v.version),
    label: `Version ${v.version}`,
  }));
  const newest = versions[0]?.version;
  return (
    <>
      {error ? <Alert color="red" role="alert" title={error} mb="md" /> : null}
      <Table striped aria-label="Config versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Version</Table.Th>
            <Table.Th scope="col">Author</Table.Th>
            <Table.Th scope="col">Message</Table.Th>
            <Table.Th scope="col">When</Table.Th>
            <Table.Th scope="col">Hash</Table.Th>
            {canEdit ? <Table.Th scope="col">Actions</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v) => (
            <Table.Tr key={v.version}>
              <Table.Th scope="row">{v.version}</Table.Th>
              <Table.Td>{v.author}</Table.Td>
              <Table.Td>{v.message ?? ""}</Table.Td>
              <Table.Td>{new Date(v.created_at).toLocaleString()}</Table.Td>
              <Table.Td>
                <code>{v.hash.slice(0, 12)}</code>
              </Table.Td>
              {canEdit ? (
                <Table.Td>
                  {v.version !== newest ? (
                    <ConfirmButton
                      label={`Roll back to ${v.version}`}
                      title={`Roll back to version ${v.version}?`}
                      message={`The configuration becomes version ${v.version}'s again (as a new version) and is pushed to every data plane.`}
                      confirmLabel="Roll back"
                      color="orange"
                      variant="subtle"
                      leftSection={<History size={14} aria-hidden />}
                      onConfirm={async () => {
                        const r = await api<{ version: number }>(
                          "POST",
                          `/config/versions/${v.version}/rollback`,
                        );
                        if (r.ok) {
                          notifications.show({
                            color: "green",
                            message: `Rolled back to version ${v.version} (now version ${r.body.version})`,
                          });
                          setTo(null);
                          setFrom(null);
                          await load();
                        } else setError(r.message);
                      }}
                    />
                  ) : (
                    <Text size="xs" c="dimmed">
                      current
                    </Text>
                  )}
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Paper withBorder p="md" mt="lg" component="section" aria-label="Compare versions">
        <Title order={2} size="h4" mb="sm">
          Compare two versions
        </Title>
        <Group align="end" mb="md">
          <Select
            label="From version"
            data={options}
            value={from}
            onChange={setFrom}
            allowDeselect={false}
            w={180}
          />
          <Select
            label="To version"
            data={options}
            value={to}
            onChange={setTo}
            allowDeselect={false}
            w={180}
          />
          <Button onClick={() => void runCompare()} disabled={!from || !to}>
            Compare
          </Button>
        </Group>
        {compare ? (
          <>
            <DiffSummary diff={compare.diff} label="Changes between the versions" />
            <SideBySide
              left={compare.left}
              right={compare.right}
              leftLabel={`Version ${from}`}
              rightLabel={`Version ${to}`}
            />
          </>
        ) : null}
      </Paper>
    </>
  );
}

function ImportExport() {
  const { canEdit } = useCurrentUser();
  const [text, setText] = useState("");
  const [mode, setMode] = useState<string | null>("sync");
  const [preview, setPreview] = useState<ConfigDiff | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  async function run(dryRun: boolean) {
    setErrors([]);
    setMessage(null);
    const contentType = text.trim().startsWith("{") ? "application/json" : "application/yaml";
    const r = await api<{ diff: ConfigDiff; version?: number }>(
      "POST",
      `/config/import?mode=${mode}&dry_run=${dryRun}`,
      { text, contentType },
    );
    if (!r.ok) {
      setErrors(r.errors);
      setMessage(r.message);
      return;
    }
    if (dryRun) setPreview(r.body.diff);
    else {
      notifications.show({
        color: "green",
        message: `Imported (version ${r.body.version ?? "?"})`,
      });
      setPreview(null);
      setText("");
    }
  }

  return (
    <>
      <Group mb="md">
        <Button
          component="a"
          href="/api/v1/config/export?format=yaml"
          variant="default"
          leftSection={<Download size={16} aria-hidden />}
        >
          Export YAML
        </Button>
        <Button
          component="a"
          href="/api/v1/config/export?format=json"
          variant="default"
          leftSection={<Download size={16} aria-hidden />}
        >
          Export JSON
        </Button>
      </Group>
      {canEdit ? (
        <Paper withBorder p="md" component="section" aria-label="Import">
          <Title order={2} size="h4" mb="sm">
            Import a declarative file
          </Title>
          <Select
            label="Mode"
            data={[
              { value: "sync", label: "sync: the file is the whole configuration" },
              { value: "partial", label: "partial: only the entities in the file" },
            ]}
            value={mode}
            onChange={setMode}
            maw={420}
            mb="sm"
          />
          <Textarea
            label="Declarative file (YAML or JSON)"
            autosize
            minRows={8}
            maxRows={20}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setPreview(null);
            }}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          />
          {message ? (
            <Alert color="red" role="alert" title={message} mt="sm">
              {errors.map((e) => (
                <div key={`${e.path}:${e.message}`}>
                  {e.path}: {e.message}
                </div>
              ))}
            </Alert>
          ) : null}
          <Group mt="md">
            <Button variant="default" onClick={() => void run(true)} disabled={!text.trim()}>
              Preview changes (dry run)
            </Button>
            <Button
              leftSection={<Upload size={16} aria-hidden />}
              onClick={() => void run(false)}
              disabled={!preview}
            >
              Apply import
            </Button>
          </Group>
          {preview ? (
            <div style={{ marginTop: "1rem" }}>
              <DiffSummary diff={preview} label="Import preview" />
            </div>
          ) : null}
        </Paper>
      ) : (
        <Text c="dimmed">Importing needs the editor role.</Text>
      )}
      <Text size="sm" c="dimmed" mt="md">
        Format: see the <Anchor href="/api-reference">API reference</Anchor> (declarative config).
      </Text>
    </>
  );
}

/** Config versions (author, message), side-by-side diff of two, rollback; declarative import/export. */
export function ConfigHistory() {
  return (
    <Tabs defaultValue="versions">
      <Tabs.List mb="md">
        <Tabs.Tab value="versions">Versions</Tabs.Tab>
        <Tabs.Tab value="import">Import / export</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="versions">
        <Versions />
      </Tabs.Panel>
      <Tabs.Panel value="import">
        <ImportExport />
      </Tabs.Panel>
    </Tabs>
  );
}
