import "server-only";

export const timestamps = (row: { createdAt: Date; updatedAt: Date; version: number }) => ({
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
  version: row.version,
});

export const idRef = (id: string | null) => (id === null ? null : { id });

/** Lookup by id, or by a unique name column. */
export const idOrColumn = (column: string | null) => (key: string) => [
  { id: key },
  ...(column ? [{ [column]: key }] : []),
];

export const BASE_SORT = { created_at: "createdAt", updated_at: "updatedAt" } as const;
