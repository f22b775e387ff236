import type { CSSVariablesResolver, MantineColorsTuple } from "@mantine/core";
import { alpha, createTheme, darken, DEFAULT_THEME, luminance } from "@mantine/core";

// Every text and background pair the console draws reaches WCAG AA contrast (4.5:1), checked with
// axe-core on every page in both schemes (e2e/tests/accessibility.spec.ts).

/** WCAG contrast ratio of two colors (any CSS color Mantine's color functions read). */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `color` at `opacity` over white, as rgb() (Mantine's "light" variant background). */
function overWhite(color: string, opacity: number): string {
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(alpha(color, 1));
  const [r, g, b] = (m ? m.slice(1) : ["0", "0", "0"]).map((c) =>
    Math.round(Number(c) * opacity + 255 * (1 - opacity)),
  ) as [number, number, number];
  return `rgb(${r}, ${g}, ${b})`;
}

/** the margin over 4.5:1: striped table rows and hover backgrounds are a little darker than white */
const TARGET = 4.8;

/**
 * `palette` with shades 8 and 9 darkened until white text on shade 8 (filled buttons and badges),
 * shade 8 on white (outline) and shade 8 on its 10% tint (light variant) reach the target contrast.
 * Shade 8 is what Mantine draws these variants with in light mode (primaryShade below); Mantine's
 * own shade 8 of green, teal, cyan, lime, yellow and orange is too light for small text.
 */
function accessiblePalette(palette: MantineColorsTuple): MantineColorsTuple {
  const passes = (c: string) =>
    contrast("#ffffff", c) >= TARGET && contrast(c, overWhite(c, 0.1)) >= TARGET;
  let shade8 = palette[8];
  for (let step = 1; step <= 20 && !passes(shade8); step++)
    shade8 = darken(palette[8], step * 0.04);
  const shade9 = luminance(palette[9]) < luminance(shade8) ? palette[9] : darken(shade8, 0.12);
  const shades = [...palette.slice(0, 8), shade8, shade9] as const;
  return shades as unknown as MantineColorsTuple;
}

const colors = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors)
    .filter(([name]) => name !== "dark" && name !== "gray")
    .map(([name, palette]) => [name, accessiblePalette(palette)]),
);

// System fonts only: nothing is fetched from the internet.
export const theme = createTheme({
  primaryColor: "indigo",
  colors,
  // Shade 8 in both schemes: white text on filled buttons and badges, colored text on white (see
  // accessiblePalette); shade 6 (Mantine's default) is too light.
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "md",
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif',
  fontFamilyMonospace:
    'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", monospace',
});

/**
 * Dimmed text: Mantine's gray 6 on white (3.3:1) and dark 2 on dark 7 (4.0:1) are below AA; gray 7
 * (7:1) and dark 1 (7.7:1) are not. Error text likewise: red 8 (light) and red 4 (dark).
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-8)",
  },
  dark: {
    "--mantine-color-dimmed": "var(--mantine-color-dark-1)",
    "--mantine-color-error": "var(--mantine-color-red-4)",
  },
});
