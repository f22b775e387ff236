"use client";

import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Select,
  Table,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useState } from "react";
import { ConfirmButton } from "@/components/entity/confirm-button";
import type { FieldError } from "@/lib/api";
import { useLoad } from "@/lib/use-load";
import { api, errorAt } from "@/lib/api";

interface Token {
  id: string;
  name: string;
  prefix: string;
  role: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

/** API tokens: create (the secret is shown once), list, revoke. */
export function ApiTokens() {
  const [tokens, setTokens] = useState<Token[]>([]);
  const [name, setName] = useState("");
  const [role, setRole] = useState<string | null>("viewer");
  const [expires, setExpires] = useState("");
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await api<{ data: Token[] }>("GET", "/tokens?size=1000");
    if (r.ok) setTokens(r.body.data);
    else setMessage(r.message);
  }, []);
  useLoad(load);

  const errorOf = (path: string) => errorAt(errors, path);

  return (
    <>
      <Paper withBorder p="md" mb="lg" component="section" aria-label="Create a token">
        <Title order={2} size="h4" mb="sm">
          Create a token
        </Title>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setErrors([]);
            setMessage(null);
            const r = await api<{ token: string; name: string }>("POST", "/tokens", {
              body: {
                name,
                role,
                ...(expires ? { expires_at: new Date(expires).toISOString() } : {}),
              },
            });
            if (r.ok) {
              setCreated({ name: r.body.name, token: r.body.token });
              setName("");
              await load();
            } else {
              setErrors(r.errors);
              setMessage(r.message);
            }
          }}
        >
          <Group align="start">
            <TextInput
              label="Token name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errorOf("name")}
            />
            <Select
              label="Role"
              data={["viewer", "editor", "admin"]}
              value={role}
              onChange={setRole}
              w={140}
              error={errorOf("role")}
            />
            <TextInput
              label="Expires (optional)"
              type="datetime-local"
              value={expires}
              onChange={(e) => setExpires(e.currentTarget.value)}
              error={errorOf("expires_at")}
            />
            <Button type="submit" mt={24}>
              Create token
            </Button>
          </Group>
        </form>
        {message ? <Alert color="red" role="alert" title={message} mt="sm" /> : null}
        {created ? (
          <Alert color="green" title={`Token ${created.name} created`} mt="md" role="status">
            Copy it now: it is shown only once.
            <Group mt="xs">
              <Code aria-label="New token">{created.token}</Code>
              <CopyButton value={created.token}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? "Copied" : "Copy"}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Alert>
        ) : null}
      </Paper>
      <Table striped aria-label="API tokens">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Prefix</Table.Th>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">Expires</Table.Th>
            <Table.Th scope="col">Last used</Table.Th>
            <Table.Th scope="col">State</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Th scope="row">{t.name}</Table.Th>
              <Table.Td>
                <Code>{t.prefix}</Code>
              </Table.Td>
              <Table.Td>{t.role}</Table.Td>
              <Table.Td>
                {t.expires_at ? new Date(t.expires_at).toLocaleString() : "never"}
              </Table.Td>
              <Table.Td>
                {t.last_used_at ? new Date(t.last_used_at).toLocaleString() : "never"}
              </Table.Td>
              <Table.Td>
                {t.revoked_at ? (
                  <Badge color="red" variant="light">
                    revoked
                  </Badge>
                ) : (
                  <ConfirmButton
                    label={`Revoke ${t.name}`}
                    title={`Revoke token ${t.name}?`}
                    message="Requests with this token are refused from now on."
                    confirmLabel="Revoke"
                    variant="subtle"
                    onConfirm={async () => {
                      const r = await api("DELETE", `/tokens/${t.id}`);
                      if (!r.ok) notifications.show({ color: "red", message: r.message });
                      await load();
                    }}
                  />
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
