"use client";

import { diffLines } from "diff";

interface Line {
  text: string;
  kind: "same" | "added" | "removed" | "empty";
}

/** Two texts side by side, removed lines on the left, added on the right, aligned. */
export function SideBySide({
  left,
  right,
  leftLabel,
  rightLabel,
}: {
  left: string;
  right: string;
  leftLabel: string;
  rightLabel: string;
}) {
  const l: Line[] = [];
  const r: Line[] = [];
  const parts = diffLines(left, right);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const lines = part.value.replace(/\n$/, "").split("\n");
    if (part.removed) {
      const next = parts[i + 1];
      const added = next?.added ? next.value.replace(/\n$/, "").split("\n") : [];
      if (next?.added) i++;
      const n = Math.max(lines.length, added.length);
      for (let k = 0; k < n; k++) {
        l.push(
          k < lines.length ? { text: lines[k]!, kind: "removed" } : { text: "", kind: "empty" },
        );
        r.push(k < added.length ? { text: added[k]!, kind: "added" } : { text: "", kind: "empty" });
      }
    } else if (part.added) {
      for (const t of lines) {
        l.push({ text: "", kind: "empty" });
        r.push({ text: t, kind: "added" });
      }
    } else {
      for (const t of lines) {
        l.push({ text: t, kind: "same" });
        r.push({ text: t, kind: "same" });
      }
    }
  }
  const cls = (k: Line["kind"]) =>
    k === "added" ? "diff-line-added" : k === "removed" ? "diff-line-removed" : undefined;
  const column = (lines: Line[], label: string) => (
    <figure style={{ margin: 0, minWidth: 0 }}>
      <figcaption>
        <strong>{label}</strong>
      </figcaption>
      <pre className="code-block" aria-label={label} tabIndex={0}>
        {lines.map((line, i) => (
          <div key={i} className={cls(line.kind)}>
            {line.kind === "removed" ? "- " : line.kind === "added" ? "+ " : "  "}
            {line.text || " "}
          </div>
        ))}
      </pre>
    </figure>
  );
  return (
    <div style={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: "1rem" }}>
      {column(l, leftLabel)}
      {column(r, rightLabel)}
    </div>
  );
}
