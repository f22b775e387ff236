import { parseDocument } from "yaml";
import type { ConfigError } from "./types.js";

export type ParseResult = { ok: true; doc: unknown } | { ok: false; errors: ConfigError[] };

/**
 * Parse a declarative file. `.json` files are parsed as JSON, anything else as YAML
 * (a superset of JSON). Syntax errors come back as `{ path: "line L, column C", message }`.
 */
export function parseDeclarative(text: string, filename?: string): ParseResult {
  if (filename !== undefined && filename.toLowerCase().endsWith(".json")) {
    try {
      return { ok: true, doc: JSON.parse(text) as unknown };
    } catch (err) {
      return {
        ok: false,
        errors: [{ path: filename, message: `invalid JSON: ${(err as Error).message}` }],
      };
    }
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}` : (filename ?? "document");
        return { path: where, message: `invalid YAML: ${e.message.split("\n")[0] ?? e.message}` };
      }),
    };
  }
  try {
    return { ok: true, doc: document.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (err) {
    return {
      ok: false,
      errors: [
        { path: filename ?? "document", message: `invalid YAML: ${(err as Error).message}` },
      ],
    };
  }
}
