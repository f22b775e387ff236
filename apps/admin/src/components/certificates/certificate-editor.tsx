"use client";

import {
  Alert,
  Button,
  FileButton,
  Group,
  List,
  Loader,
  Paper,
  Stack,
  TagsInput,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { Save, Trash2, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { CertificateInfoTable } from "@/components/certificates/certificate-info";
import type { CertificateDetails } from "@/components/certificates/certificate-info";
import { ConfirmButton } from "@/components/entity/confirm-button";
import { NestedCollection } from "@/components/entity/nested-collection";
import { useCurrentUser } from "@/components/user-context";
import type { FieldError } from "@/lib/api";
import { api } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

interface Certificate {
  id: string;
  version: number;
  cert: string;
  tags: string[];
  details: CertificateDetails | null;
}

/** A PEM field: paste into the text area, or upload a file (read in the browser). */
function PemInput(props: {
  label: string;
  description: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  disabled: boolean;
}) {
  return (
    <Stack gap={4}>
      <Textarea
        label={props.label}
        description={props.description}
        autosize
        minRows={4}
        maxRows={12}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12 } }}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        error={props.error}
        disabled={props.disabled}
        autoComplete="off"
        spellCheck={false}
      />
      {props.disabled ? null : (
        <FileButton
          onChange={(file) => void file?.text().then(props.onChange)}
          accept=".pem,.crt,.cer,.key,text/plain,application/x-pem-file"
        >
          {(p) => (
            <Button
              {...p}
              size="xs"
              variant="light"
              w="fit-content"
              leftSection={<Upload size={14} aria-hidden />}
            >
              Upload {props.label}
            </Button>
          )}
        </FileButton>
      )}
    </Stack>
  );
}

/**
 * A certificate's page: its details (subject, SANs, issuer, validity), the form to create or replace
 * it (the private key is never shown again: leave it empty to keep the stored one), and its SNIs.
 */
export function CertificateEditor({ id }: { id: string | null }) {
  const { canEdit } = useCurrentUser();
  const router = useRouter();
  const [entity, setEntity] = useState<Certificate | null>(null);
  const [cert, setCert] = useState("");
  const [key, setKey] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    if (!id) return;
    const r = await api<Certificate>("GET", `/certificates/${encodeURIComponent(id)}`);
    if (!r.ok) {
      setMessage(r.message);
      return;
    }
    setEntity(r.body);
    setCert(r.body.cert);
    setTags(r.body.tags);
  }, [id]);
  useLoad(load);

  const errorOf = (name: string) =>
    errors
      .filter((e) => e.path === name)
      .map((e) => e.message)
      .join("; ") || undefined;

  async function save() {
    setSaving(true);
    setErrors([]);
    setMessage(null);
    const body: Record<string, unknown> = { cert, tags };
    if (key.trim() !== "" || !entity) body.key = key;
    const r = entity
      ? await api<Certificate>("PATCH", `/certificates/${entity.id}`, {
          body,
          ifMatch: entity.version,
        })
      : await api<Certificate>("POST", "/certificates", { body });
    setSaving(false);
    if (!r.ok) {
      setErrors(r.errors);
      setMessage(r.message);
      return;
    }
    setKey("");
    notifications.show({ color: "green", message: "Saved certificate" });
    if (!entity) router.push(`/certificates/${r.body.id}`);
    else {
      setEntity(r.body);
      setCert(r.body.cert);
    }
  }

  if (id && !entity) {
    return message ? (
      <Alert color="red" role="alert" title="The certificate could not be loaded">
        {message}
      </Alert>
    ) : (
      <Loader role="status" aria-label="Loading" />
    );
  }

  return (
    <>
      {entity?.details ? (
        <Paper withBorder p="lg" maw={760} mb="lg" component="section" aria-label="Details">
          <CertificateInfoTable details={entity.details} />
        </Paper>
      ) : null}
      <Paper withBorder p="lg" maw={760} component="section" aria-label="Certificate">
        <Title order={2} size="h4" mb="sm">
          {entity ? "Replace the certificate" : "Certificate and private key"}
        </Title>
        {message ? (
          <Alert color="red" role="alert" title={message} mb="md">
            {errors.length ? (
              <List size="sm">
                {errors.map((e) => (
                  <List.Item key={`${e.path}:${e.message}`}>
                    {e.path}: {e.message}
                  </List.Item>
                ))}
              </List>
            ) : null}
          </Alert>
        ) : null}
        <form
          aria-label={entity ? "Replace certificate" : "New certificate"}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Stack>
            <PemInput
              label="Certificate (PEM)"
              description="The certificate, then its intermediates (-----BEGIN CERTIFICATE-----)"
              value={cert}
              onChange={setCert}
              error={errorOf("cert")}
              disabled={!canEdit}
            />
            {canEdit ? (
              <PemInput
                label="Private key (PEM)"
                description={
                  entity
                    ? "Stored encrypted and never shown again: leave empty to keep the stored key"
                    : "Unencrypted PEM (-----BEGIN PRIVATE KEY-----); stored encrypted, never shown again"
                }
                value={key}
                onChange={setKey}
                error={errorOf("key")}
                disabled={false}
              />
            ) : null}
            <TagsInput
              label="Tags"
              value={tags}
              onChange={setTags}
              error={errorOf("tags")}
              disabled={!canEdit}
            />
            {canEdit ? (
              <Group justify="space-between">
                <Button type="submit" loading={saving} leftSection={<Save size={16} aria-hidden />}>
                  {entity ? "Save certificate" : "Create certificate"}
                </Button>
                {entity ? (
                  <ConfirmButton
                    label="Delete certificate"
                    title="Delete this certificate?"
                    message="The certificate and its SNIs are removed from every data plane. This cannot be undone (but the config history can roll back)."
                    confirmLabel="Delete"
                    leftSection={<Trash2 size={16} aria-hidden />}
                    onConfirm={async () => {
                      const r = await api("DELETE", `/certificates/${entity.id}`, {
                        ifMatch: entity.version,
                      });
                      if (r.ok) router.push("/certificates");
                      else setMessage(r.message);
                    }}
                  />
                ) : null}
              </Group>
            ) : null}
          </Stack>
        </form>
      </Paper>
      {entity ? (
        <NestedCollection
          title="SNIs"
          noun="SNI"
          resource={`/certificates/${entity.id}/snis`}
          fields={[
            {
              name: "name",
              label: "Server name",
              description: 'A hostname, or a wildcard like "*.example.com"',
            },
          ]}
        />
      ) : null}
    </>
  );
}
