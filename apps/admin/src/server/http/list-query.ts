import "server-only";
import { ApiError } from "@/server/http/errors";
import type { FieldError } from "@/server/http/errors";

export interface ListQuery {
  size: number;
  skip: number;
  sortBy: string;
  sortDesc: boolean;
  tags: { mode: "all" | "any"; values: string[] } | null;
  q: string | null;
  name: string | null;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

interface Cursor {
  /** rows already returned */
  o: number;
  /** the sort the cursor was made for (a cursor is only valid with the same sort) */
  s: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(text: string): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Cursor;
    if (Number.isInteger(value.o) && value.o >= 0 && typeof value.s === "string") return value;
  } catch {
    // fall through
  }
  return null;
}

/**
 * Kong's list parameters: `size` (1..1000, default 100), `offset` (the opaque cursor from the
 * previous page's `offset`/`next`), `sort_by`, `sort_desc`, `tags` (`a,b` = all of, `a/b` = any of),
 * `q` (substring of the name) and `name` (exact). Every problem is reported at once.
 */
export function parseListQuery(url: URL, sortable: readonly string[]): ListQuery {
  const p = url.searchParams;
  const errors: FieldError[] = [];
  let size = DEFAULT_PAGE_SIZE;
  const sizeText = p.get("size");
  if (sizeText !== null) {
    size = Number(sizeText);
    if (!/^\d+$/.test(sizeText) || size < 1 || size > MAX_PAGE_SIZE) {
      errors.push({ path: "size", message: `must be an integer between 1 and ${MAX_PAGE_SIZE}` });
    }
  }
  const sortBy = p.get("sort_by") ?? sortable[0] ?? "created_at";
  if (!sortable.includes(sortBy)) {
    errors.push({ path: "sort_by", message: `must be one of ${sortable.join(", ")}` });
  }
  const sortDescText = p.get("sort_desc");
  if (sortDescText !== null && !["true", "false", "1", "0"].includes(sortDescText)) {
    errors.push({ path: "sort_desc", message: "must be true or false" });
  }
  const sortDesc = sortDescText === "true" || sortDescText === "1";
  const sortKey = `${sortBy}:${sortDesc ? "desc" : "asc"}`;
  let skip = 0;
  const offset = p.get("offset");
  if (offset !== null) {
    const cursor = decodeCursor(offset);
    if (!cursor) errors.push({ path: "offset", message: "is not a cursor this API returned" });
    else if (cursor.s !== sortKey) {
      errors.push({ path: "offset", message: "was made for another sort order" });
    } else skip = cursor.o;
  }
  let tags: ListQuery["tags"] = null;
  const tagsText = p.get("tags");
  if (tagsText !== null) {
    if (tagsText.includes(",") && tagsText.includes("/")) {
      errors.push({ path: "tags", message: 'use either "," (all of) or "/" (any of), not both' });
    } else {
      const any = tagsText.includes("/");
      const values = tagsText.split(any ? "/" : ",").map((t) => t.trim());
      if (values.some((t) => t === ""))
        errors.push({ path: "tags", message: "must not contain empty tags" });
      else tags = { mode: any ? "any" : "all", values };
    }
  }
  if (errors.length > 0) throw new ApiError("validation", "invalid list parameters", { errors });
  return { size, skip, sortBy, sortDesc, tags, q: p.get("q"), name: p.get("name") };
}

/** The page envelope: `{ data, offset, next }` — `next` is the URL of the next page, or null. */
export function pageOf<T>(
  url: URL,
  query: ListQuery,
  rows: T[],
): { data: T[]; offset: string | null; next: string | null } {
  // Callers fetch size + 1 rows to know whether there is a next page.
  const hasMore = rows.length > query.size;
  const data = hasMore ? rows.slice(0, query.size) : rows;
  if (!hasMore) return { data, offset: null, next: null };
  const offset = encodeCursor({
    o: query.skip + query.size,
    s: `${query.sortBy}:${query.sortDesc ? "desc" : "asc"}`,
  });
  const nextUrl = new URL(url.pathname, "http://x");
  for (const [k, v] of url.searchParams) if (k !== "offset") nextUrl.searchParams.append(k, v);
  nextUrl.searchParams.set("offset", offset);
  return { data, offset, next: `${nextUrl.pathname}${nextUrl.search}` };
}

/** Prisma `where` for the tag filter on a `tags String[]` column. */
export function tagsWhere(query: ListQuery): Record<string, unknown> {
  if (!query.tags) return {};
  return query.tags.mode === "all"
    ? { tags: { hasEvery: query.tags.values } }
    : { tags: { hasSome: query.tags.values } };
}
