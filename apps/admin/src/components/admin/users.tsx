"use client";

import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  Select,
  Table,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useState } from "react";
import { ResetPasswordButton } from "@/components/admin/passwords";
import { ConfirmButton } from "@/components/entity/confirm-button";
import type { FieldError } from "@/lib/api";
import { useLoad } from "@/lib/use-load";
import { api, errorAt } from "@/lib/api";

interface User {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  last_login_at: string | null;
  version: number;
}

/** Admin users and their roles (admins only; the API refuses everyone else). */
export function UsersAdmin() {
  const [users, setUsers] = useState<User[]>([]);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<string | null>("viewer");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(async () => {
    const r = await api<{ data: User[] }>("GET", "/users?size=1000");
    if (r.ok) setUsers(r.body.data);
    else setMessage(r.message);
  }, []);
  useLoad(load);
  const errorOf = (path: string) => errorAt(errors, path);

  return (
    <>
      <Paper withBorder p="md" mb="lg" component="section" aria-label="Add a user">
        <Title order={2} size="h4" mb="sm">
          Add a user
        </Title>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setErrors([]);
            setMessage(null);
            const r = await api("POST", "/users", { body: { username, password, role } });
            if (r.ok) {
              notifications.show({ color: "green", message: `Added ${username}` });
              setUsername("");
              setPassword("");
              await load();
            } else {
              setErrors(r.errors);
              setMessage(r.message);
            }
          }}
        >
          <Group align="start">
            <TextInput
              label="Username"
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              error={errorOf("username")}
              autoComplete="off"
            />
            <PasswordInput
              label="Password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={errorOf("password")}
              autoComplete="new-password"
              w={220}
            />
            <Select
              label="Role"
              data={["viewer", "editor", "admin"]}
              value={role}
              onChange={setRole}
              w={140}
            />
            <Button type="submit" mt={24}>
              Add user
            </Button>
          </Group>
        </form>
        {message ? <Alert color="red" role="alert" title={message} mt="sm" /> : null}
      </Paper>
      <Table striped aria-label="Users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Username</Table.Th>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">Last sign-in</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr key={u.id}>
              <Table.Th scope="row">
                {u.username} {u.disabled ? <Badge color="gray">disabled</Badge> : null}
              </Table.Th>
              <Table.Td>
                <Select
                  aria-label={`Role of ${u.username}`}
                  data={["viewer", "editor", "admin"]}
                  value={u.role}
                  w={130}
                  onChange={async (v) => {
                    const r = await api("PATCH", `/users/${u.id}`, {
                      body: { role: v },
                      ifMatch: u.version,
                    });
                    if (!r.ok) notifications.show({ color: "red", message: r.message });
                    await load();
                  }}
                />
              </Table.Td>
              <Table.Td>
                {u.last_login_at ? new Date(u.last_login_at).toLocaleString() : "never"}
              </Table.Td>
              <Table.Td>
                <ResetPasswordButton user={u} />
                <ConfirmButton
                  label={`Delete ${u.username}`}
                  title={`Delete user ${u.username}?`}
                  message="Their sessions end and they can no longer sign in."
                  confirmLabel="Delete"
                  variant="subtle"
                  onConfirm={async () => {
                    const r = await api("DELETE", `/users/${u.id}`);
                    if (!r.ok) notifications.show({ color: "red", message: r.message });
                    await load();
                  }}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
