import { icons } from "lucide-react";
import { Puzzle } from "lucide-react";

const pascal = (name: string) =>
  name
    .split("-")
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : ""))
    .join("");

/** A plugin's icon (a lucide icon name from its metadata), rendered on the server; a puzzle piece if unknown. */
export function PluginIcon({ name, size = 28 }: { name: string | null; size?: number }) {
  const Icon = (name ? icons[pascal(name) as keyof typeof icons] : undefined) ?? Puzzle;
  return <Icon size={size} aria-hidden />;
}
