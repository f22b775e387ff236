/** Kong's parse_mime_type: lower-cased type and subtype, parameters (names lower-cased); undefined when malformed. */
export function parseMime(
  value: string,
): { type: string; subtype: string; params: Record<string, string> } | undefined {
  const [head, ...rest] = value.split(";");
  const t = (head ?? "").trim();
  let type: string;
  let subtype: string;
  if (t === "*") {
    type = "*";
    subtype = "*";
  } else {
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\/([!#$%&'*+\-.^_`|~0-9A-Za-z]+)$/.exec(t);
    if (!m) return undefined;
    type = (m[1] as string).toLowerCase();
    subtype = (m[2] as string).toLowerCase();
  }
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf("=");
    if (i < 0) continue;
    const k = p.slice(0, i).trim().toLowerCase();
    let v = p.slice(i + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (k !== "") params[k] = v;
  }
  return { type, subtype, params };
}
