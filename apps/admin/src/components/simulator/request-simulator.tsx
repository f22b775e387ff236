"use client";

import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { Plus, Trash2 } from "lucide-react";
import type { FormEvent } from "react";
import type { Trace } from "@gatehouse/config";
import { useEffect, useState } from "react";
import type { FieldError } from "@/lib/api";
import { api } from "@/lib/api";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

interface DataPlane {
  id: string;
  hostname: string | null;
  proxy_url: string | null;
  connected: boolean;
}

export interface SimulateResult {
  data_plane: { id: string; proxy_url: string };
  request: { method: string; url: string; host: string };
  status: number;
  headers: Record<string, string | string[]>;
  body: string | null;
  body_hidden: boolean;
  body_bytes: number;
  body_truncated: boolean;
  trace: Trace | null;
  duration_ms: number;
}

interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

const SOURCE_TEXT: Record<string, string> = {
  service: "answered by the upstream service",
  exit: "answered by a plugin (it exited)",
  error: "failed with an error",
};

function statusColor(status: number): string {
  if (status >= 500) return "red";
  if (status >= 400) return "orange";
  if (status >= 300) return "blue";
  return "green";
}

function outcomeColor(outcome: string): string {
  if (outcome === "exit") return "orange";
  if (outcome === "error") return "red";
  if (outcome === "recovered") return "yellow";
  return "gray";
}

/** Compose a request, send it through a data plane with tracing on, show what happened there. */
export function RequestSimulator() {
  const [planes, setPlanes] = useState<DataPlane[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [planeId, setPlaneId] = useState<string | null>(null);
  const [method, setMethod] = useState<string>("GET");
  const [path, setPath] = useState("/");
  const [host, setHost] = useState("");
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [nextKey, setNextKey] = useState(1);
  const [body, setBody] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [result, setResult] = useState<SimulateResult | null>(null);

  useEffect(() => {
    let cancelled = false;
    void api<{ data: DataPlane[] }>("GET", "/data-planes?size=1000&sort_by=hostname").then((r) => {
      if (cancelled) return;
      if (!r.ok) {
        setLoadError(r.message);
        return;
      }
      setPlanes(r.body.data);
      const first = r.body.data.find((p) => p.proxy_url !== null && p.connected);
      if (first) setPlaneId((current) => current ?? first.id);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const errorFor = (field: string) =>
    fieldErrors
      .filter((e) => e.path === field || e.path.startsWith(`${field}.`))
      .map((e) =>
        e.path === field ? e.message : `${e.path.slice(field.length + 1)}: ${e.message}`,
      )
      .join("; ") || undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    setFieldErrors([]);
    const named = headers.filter((h) => h.name.trim() !== "");
    const r = await api<SimulateResult>("POST", "/simulate", {
      body: {
        data_plane_id: planeId ?? "",
        method,
        path,
        ...(host.trim() ? { host: host.trim() } : {}),
        ...(named.length
          ? { headers: Object.fromEntries(named.map((h) => [h.name.trim(), h.value])) }
          : {}),
        ...(body !== "" && method !== "GET" && method !== "HEAD" ? { body } : {}),
      },
    });
    setSending(false);
    if (r.ok) {
      setResult(r.body);
      return;
    }
    setResult(null);
    setError(r.message);
    setFieldErrors(r.errors);
  };

  if (loadError) return <Alert color="red" role="alert" title={loadError} />;
  if (planes === null) return null;
  const usable = planes.filter((p) => p.proxy_url !== null);
  if (usable.length === 0) {
    return (
      <Text c="dimmed">
        No data plane has reported a proxy URL yet: start one with GATEHOUSE_CONTROL_PLANE_URL.
      </Text>
    );
  }

  return (
    <Stack gap="lg">
      <Paper withBorder p="md" component="form" onSubmit={submit} aria-label="Request">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label="Data plane"
              required
              data={usable.map((p) => ({
                value: p.id,
                label: `${p.hostname ?? p.id.slice(0, 8)} · ${p.proxy_url}${p.connected ? "" : " (not connected)"}`,
              }))}
              value={planeId}
              onChange={setPlaneId}
              error={errorFor("data_plane_id")}
              allowDeselect={false}
            />
            <Select
              label="Method"
              data={METHODS}
              value={method}
              onChange={(v) => setMethod(v ?? "GET")}
              error={errorFor("method")}
              allowDeselect={false}
            />
            <TextInput
              label="Host"
              description="Host header (empty: the data plane's own)"
              placeholder="api.example.com"
              value={host}
              onChange={(e) => setHost(e.currentTarget.value)}
              error={errorFor("host")}
            />
          </SimpleGrid>
          <TextInput
            label="Path"
            description='With the query string, starting with "/"'
            required
            value={path}
            onChange={(e) => setPath(e.currentTarget.value)}
            error={errorFor("path")}
          />
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend>
              <Text size="sm" fw={500}>
                Headers
              </Text>
            </legend>
            <Stack gap={6}>
              {headers.map((h, i) => (
                <Group key={h.key} gap="xs" wrap="nowrap">
                  <TextInput
                    aria-label={`Header ${i + 1} name`}
                    placeholder="Name"
                    value={h.name}
                    style={{ flex: 1 }}
                    onChange={(e) => {
                      const name = e.currentTarget.value;
                      setHeaders((rows) => rows.map((r) => (r.key === h.key ? { ...r, name } : r)));
                    }}
                  />
                  <TextInput
                    aria-label={`Header ${i + 1} value`}
                    placeholder="Value"
                    value={h.value}
                    style={{ flex: 2 }}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      setHeaders((rows) =>
                        rows.map((r) => (r.key === h.key ? { ...r, value } : r)),
                      );
                    }}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove header ${i + 1}`}
                    onClick={() => setHeaders((rows) => rows.filter((r) => r.key !== h.key))}
                  >
                    <Trash2 size={16} aria-hidden />
                  </ActionIcon>
                </Group>
              ))}
              {errorFor("headers") ? (
                <Text size="sm" c="red" role="alert">
                  {errorFor("headers")}
                </Text>
              ) : null}
              <Group>
                <Button
                  variant="light"
                  size="xs"
                  leftSection={<Plus size={14} aria-hidden />}
                  onClick={() => {
                    setHeaders((rows) => [...rows, { key: nextKey, name: "", value: "" }]);
                    setNextKey((k) => k + 1);
                  }}
                >
                  Add header
                </Button>
              </Group>
            </Stack>
          </fieldset>
          <Textarea
            label="Body"
            description={
              method === "GET" || method === "HEAD" ? `not sent with ${method}` : "sent as text"
            }
            autosize
            minRows={2}
            maxRows={10}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            error={errorFor("body")}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          />
          {error ? <Alert color="red" role="alert" title={error} /> : null}
          <Group>
            <Button type="submit" loading={sending} leftSection={null}>
              Send request
            </Button>
          </Group>
        </Stack>
      </Paper>
      {result ? <SimulationResult result={result} /> : null}
    </Stack>
  );
}

function SimulationResult({ result }: { result: SimulateResult }) {
  const trace = result.trace;
  const headerRows = Object.entries(result.headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v, i) => ({ key: `${name}:${i}`, name, v })),
  );
  return (
    <Stack gap="md" aria-label="Result" role="region">
      <Group gap="md" align="baseline">
        <Title order={2} size="h3">
          Result
        </Title>
        <Badge size="lg" color={statusColor(result.status)} aria-label={`Status ${result.status}`}>
          {result.status}
        </Badge>
        <Text size="sm" c="dimmed">
          {result.request.method} {result.request.url} (Host: {result.request.host}) ·{" "}
          {result.duration_ms.toFixed(1)} ms
        </Text>
      </Group>
      {trace ? (
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Text>
              Matched route: <Code>{trace.route ?? "—"}</Code> ·{" "}
              {SOURCE_TEXT[trace.source] ?? trace.source}
              {trace.upstream_ms !== null ? ` · upstream ${trace.upstream_ms} ms` : ""}
            </Text>
            {trace.plugins.length === 0 ? (
              <Text c="dimmed" size="sm">
                No plugin ran on this route.
              </Text>
            ) : (
              <Table aria-label="Plugin trace" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Plugin</Table.Th>
                    <Table.Th scope="col">Phase</Table.Th>
                    <Table.Th scope="col">Time (ms)</Table.Th>
                    <Table.Th scope="col">Outcome</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {trace.plugins.map((step, i) => (
                    <Table.Tr
                      key={`${step.plugin}:${step.phase}:${i}`}
                      bg={
                        step.outcome === "exit" || step.outcome === "error"
                          ? `var(--mantine-color-${outcomeColor(step.outcome)}-light)`
                          : undefined
                      }
                    >
                      <Table.Th scope="row">{step.plugin}</Table.Th>
                      <Table.Td>{step.phase}</Table.Td>
                      <Table.Td>{step.ms.toFixed(3)}</Table.Td>
                      <Table.Td>
                        <Badge color={outcomeColor(step.outcome)} variant="light">
                          {step.outcome}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Text size="xs" c="dimmed">
              The trace travels in a response header, which leaves the data plane before the body:
              it covers the phases up to header_filter; body_filter and log are not in it.
            </Text>
          </Stack>
        </Paper>
      ) : (
        <Alert color="yellow" title="No trace">
          The data plane sent no trace: no route matched this request, or the data plane&apos;s
          GATEHOUSE_DEBUG_TOKEN differs from the admin&apos;s.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={3} size="h5" mb="xs">
            Response headers
          </Title>
          <Table aria-label="Response headers">
            <Table.Tbody>
              {headerRows.map((h) => (
                <Table.Tr key={h.key}>
                  <Table.Th scope="row">{h.name}</Table.Th>
                  <Table.Td style={{ wordBreak: "break-all" }}>{h.v}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h5" mb="xs">
            Response body
          </Title>
          {result.body === null ? (
            <Text size="sm" c="dimmed">
              Hidden ({result.body_bytes} bytes): only admins see response bodies here, unless an
              admin enables the setting simulator_show_body.
            </Text>
          ) : (
            <Code
              block
              aria-label="Response body"
              tabIndex={0}
              style={{ maxHeight: 400, overflow: "auto" }}
            >
              {result.body || "(empty)"}
            </Code>
          )}
          {result.body !== null && result.body_truncated ? (
            <Text size="xs" c="dimmed" mt="xs">
              Cut off: the first {result.body.length} characters of {result.body_bytes}+ bytes.
            </Text>
          ) : null}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
