"use client";

import { MantineProvider, createTheme } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import type { ReactNode } from "react";

// System fonts only: nothing is fetched from the internet.
const theme = createTheme({
  primaryColor: "indigo",
  // Shade 8 in light mode: white text on a filled button and indigo links on white reach WCAG AA
  // contrast (4.5:1); shade 6 (Mantine's default) does not (axe check in e2e/tests/accessibility).
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "md",
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif',
  fontFamilyMonospace:
    'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", monospace',
});

/** Mantine (light / dark / auto color scheme, kept in localStorage) and toast notifications. */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="top-right" />
      {children}
    </MantineProvider>
  );
}
