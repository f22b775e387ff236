/** The `id` of a route, service, consumer or credential the kit hands out, when it is a non-empty string. */
export function entityId(v: unknown): string | undefined {
  if (v !== null && typeof v === "object") {
    const id = (v as { id?: unknown }).id;
    if (typeof id === "string" && id !== "") return id;
  }
  return undefined;
}
