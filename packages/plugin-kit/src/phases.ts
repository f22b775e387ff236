export const PHASES = ["rewrite", "access", "header_filter", "body_filter", "log"] as const;
export type Phase = (typeof PHASES)[number];

/** The phase the transaction is in; "idle" between phases, "error" while an upstream failure is handled. */
export type RunPhase = Phase | "error" | "idle";

export const P_REWRITE = 1;
export const P_ACCESS = 2;
export const P_HEADER = 4;
export const P_BODY = 8;
export const P_LOG = 16;
export const P_ERROR = 32;

export const PHASE_BIT: Record<RunPhase, number> = {
  rewrite: P_REWRITE,
  access: P_ACCESS,
  header_filter: P_HEADER,
  body_filter: P_BODY,
  log: P_LOG,
  error: P_ERROR,
  idle: 0,
};

/** Kong's phase sets. */
export const REQUEST_SIDE = P_REWRITE | P_ACCESS;
export const HEADER_BODY_LOG = P_HEADER | P_BODY | P_LOG;
export const REWRITE_ACCESS_HEADER = P_REWRITE | P_ACCESS | P_HEADER;
export const ALL = P_REWRITE | P_ACCESS | P_HEADER | P_BODY | P_LOG;
