/**
 * Upstream failures with stable kinds and codes. The message is safe to show to
 * users (it never contains upstream addresses or internals); the original error
 * is kept in `cause` for logs.
 */
import { GatewayError } from "../errors.js";

export type ForwardErrorKind =
  | "connect_timeout"
  | "read_timeout"
  | "write_timeout"
  | "refused"
  | "reset"
  | "unavailable"
  | "cancelled"
  | "protocol"
  | "denied";

export type ForwardErrorStatus = 502 | 503 | 504;

const KINDS: Record<
  ForwardErrorKind,
  { status: ForwardErrorStatus; code: string; message: string }
> = {
  connect_timeout: {
    status: 504,
    code: "GH_UPSTREAM_CONNECT_TIMEOUT",
    message: "The upstream server did not accept the connection in time",
  },
  read_timeout: {
    status: 504,
    code: "GH_UPSTREAM_READ_TIMEOUT",
    message: "The upstream server did not respond in time",
  },
  write_timeout: {
    status: 504,
    code: "GH_UPSTREAM_WRITE_TIMEOUT",
    message: "The upstream server did not read the request in time",
  },
  refused: {
    status: 502,
    code: "GH_UPSTREAM_REFUSED",
    message: "The upstream server refused the connection",
  },
  reset: {
    status: 502,
    code: "GH_UPSTREAM_RESET",
    message: "The upstream server closed the connection unexpectedly",
  },
  unavailable: {
    status: 503,
    code: "GH_UPSTREAM_UNAVAILABLE",
    message: "No upstream server is available",
  },
  cancelled: {
    status: 502,
    code: "GH_UPSTREAM_CANCELLED",
    message: "The upstream request was cancelled",
  },
  protocol: {
    status: 502,
    code: "GH_UPSTREAM_PROTOCOL",
    message: "The upstream server sent an invalid response",
  },
  denied: {
    status: 502,
    code: "GH_UPSTREAM_DENIED",
    message: "The upstream address is not allowed by this gateway",
  },
};

export class ForwardError extends GatewayError {
  readonly kind: ForwardErrorKind;
  readonly status: ForwardErrorStatus;
  readonly code: string;
  /** what the client is told instead of the status's default message (e.g. Kong's no-peer 503) */
  readonly clientMessage: string | undefined;

  constructor(
    kind: ForwardErrorKind,
    options?: { message?: string; code?: string; cause?: unknown; clientMessage?: string },
  ) {
    const def = KINDS[kind];
    super(
      options?.message ?? def.message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "ForwardError";
    this.kind = kind;
    this.status = def.status;
    this.code = options?.code ?? def.code;
    this.clientMessage = options?.clientMessage;
  }
}

/** The pool refuses an upstream spec or option, or a call after close(); the message says which. */
export class UpstreamPoolError extends GatewayError {
  constructor(
    readonly code: "GH_UPSTREAM_SPEC_INVALID" | "GH_UPSTREAM_POOL_CLOSED",
    message: string,
  ) {
    super(message);
    this.name = "UpstreamPoolError";
  }
}

const DNS_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

function errCode(err: unknown): string {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string")
    return err.code;
  return "";
}

/** Map a Node / transport error to an ForwardError (kept as is when it already is one). */
export function classifyError(err: unknown): ForwardError {
  if (err instanceof ForwardError) return err;
  const code = errCode(err);
  if (code === "ECONNREFUSED") return new ForwardError("refused", { cause: err });
  if (code === "GH_UPSTREAM_DENIED") return new ForwardError("denied", { cause: err });
  if (DNS_CODES.has(code)) {
    return new ForwardError("refused", {
      code: "GH_UPSTREAM_UNREACHABLE",
      message: "The upstream server could not be reached",
      cause: err,
    });
  }
  if (RESET_CODES.has(code)) return new ForwardError("reset", { cause: err });
  if (code.startsWith("HPE_")) return new ForwardError("protocol", { cause: err });
  if (
    code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL") ||
    code.includes("CERT") ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT"
  ) {
    return new ForwardError("protocol", {
      code: "GH_UPSTREAM_TLS",
      message: "The TLS handshake with the upstream server failed",
      cause: err,
    });
  }
  return new ForwardError("reset", { cause: err });
}

/** Connect failures are the only ones retried on another target. */
export function isConnectFailure(err: ForwardError): boolean {
  return err.kind === "refused" || err.kind === "connect_timeout";
}
