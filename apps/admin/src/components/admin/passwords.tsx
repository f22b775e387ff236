"use client";

import { Alert, Button, Group, Modal, Paper, PasswordInput, Stack, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FieldError } from "@/lib/api";
import { api, errorAt } from "@/lib/api";

/** Change your own password: the current one, then the new one twice. */
export function ChangeOwnPassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <Paper withBorder p="md" maw={480} component="section" aria-label="Change your password">
      <Title order={2} size="h4" mb="sm">
        Change your password
      </Title>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setMessage(null);
          if (next !== repeat) {
            setErrors([{ path: "repeat", message: "does not match the new password" }]);
            return;
          }
          const r = await api("POST", "/auth/password", {
            body: { current_password: current, new_password: next },
          });
          if (r.ok) {
            setErrors([]);
            setCurrent("");
            setNext("");
            setRepeat("");
            notifications.show({
              color: "green",
              message: "Password changed. Your other sessions were signed out.",
            });
          } else {
            setErrors(r.errors);
            setMessage(r.message);
          }
        }}
      >
        <Stack>
          <PasswordInput
            label="Current password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={errorAt(errors, "current_password")}
            autoComplete="current-password"
            required
          />
          <PasswordInput
            label="New password"
            description="At least 12 characters."
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={errorAt(errors, "new_password")}
            autoComplete="new-password"
            required
          />
          <PasswordInput
            label="Repeat the new password"
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={errorAt(errors, "repeat")}
            autoComplete="new-password"
            required
          />
          <Group>
            <Button type="submit">Change password</Button>
          </Group>
          {message && errors.length === 0 ? (
            <Alert color="red" role="alert" title={message} />
          ) : null}
        </Stack>
      </form>
    </Paper>
  );
}

/** An admin sets a new password for another user (their sessions end). */
export function ResetPasswordButton({ user }: { user: { id: string; username: string } }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <>
      <Button
        variant="subtle"
        size="xs"
        onClick={open}
        aria-label={`Reset password of ${user.username}`}
      >
        Reset password
      </Button>
      <Modal
        opened={opened}
        onClose={close}
        title={`Reset the password of ${user.username}`}
        centered
      >
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await api("PATCH", `/users/${user.id}`, { body: { password } });
            if (r.ok) {
              notifications.show({
                color: "green",
                message: `New password set for ${user.username}; their sessions were signed out.`,
              });
              setPassword("");
              setErrors([]);
              setMessage(null);
              close();
            } else {
              setErrors(r.errors);
              setMessage(r.message);
            }
          }}
        >
          <Stack>
            <PasswordInput
              label="New password"
              description="At least 12 characters. Tell it to them over a safe channel."
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={errorAt(errors, "password")}
              autoComplete="new-password"
              data-autofocus
              required
            />
            {message && errors.length === 0 ? (
              <Alert color="red" role="alert" title={message} />
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit">Set password</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
