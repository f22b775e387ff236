"use client";

import { Button, Group, Modal, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useState } from "react";
import type { ReactNode } from "react";

/** A button that asks first (a dialog naming what will happen) and runs `onConfirm` on "confirm". */
export function ConfirmButton(props: {
  label: string;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  color?: string;
  variant?: string;
  size?: string;
  /** The accessible name of the button when its label alone is ambiguous (e.g. one per table row). */
  ariaLabel?: string;
  leftSection?: ReactNode;
  onConfirm: () => Promise<void>;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button
        color={props.color ?? "red"}
        variant={props.variant ?? "light"}
        size={props.size}
        aria-label={props.ariaLabel}
        leftSection={props.leftSection}
        onClick={open}
      >
        {props.label}
      </Button>
      <Modal opened={opened} onClose={close} title={props.title} centered>
        <Text mb="lg">{props.message}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color={props.color ?? "red"}
            loading={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await props.onConfirm();
              } finally {
                setBusy(false);
                close();
              }
            }}
          >
            {props.confirmLabel}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
