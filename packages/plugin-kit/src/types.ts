import type { HeaderInput, HeaderRecord } from "./headers.js";
import type { Phase } from "./phases.js";

export type ResponseSource = "service" | "exit" | "error";

/**
 * Kong's kong.request.get_uri_captures(): the groups of the route's regex path that matched. Groups
 * are numbered in `unnamed` (group 1 at index 0; named groups have a number too, as in PCRE) and
 * named ones are also in `named`. A group that took no part in the match is `false` (ngx.re.match's
 * value). Both are empty when the route matched without a regex path or the regex has no group.
 */
export interface UriCaptures {
  named: Record<string, string | false>;
  unnamed: (string | false)[];
}

/** The client connection, when the data plane knows it (kit.request.getConnection()). */
export interface ConnectionInfo {
  /** address and port of the gateway's listening socket that accepted the connection */
  serverAddress: string;
  serverPort: number;
  /** serial number of the connection in this process (1, 2, ...) */
  id: number;
  /** number of requests received on this connection so far, this one included */
  requests: number;
}

export interface Consumer {
  id: string;
  username?: string | null;
  customId?: string | null;
  [key: string]: unknown;
}

export interface Credential {
  id: string;
  [key: string]: unknown;
}

/** A consumer's basic-auth credential: `password` (plaintext, DB-less files) or `passwordHash`
 * (`$scrypt$...`, pushed by the control plane); exactly one is set. */
export interface BasicAuthCredential extends Credential {
  username: string;
  password?: string | null;
  passwordHash?: string | null;
}

/** A consumer's jwt secret (decK `jwt_secrets`): `secret` for HS*, `rsaPublicKey` (PEM) for RS/PS/ES*, EdDSA. */
export interface JwtCredential extends Credential {
  key: string;
  algorithm: string;
  secret?: string | null;
  rsaPublicKey?: string | null;
}

/** How plugins find consumers and credentials; the gateway implements it from the config snapshot. */
export interface CredentialLookup {
  keyAuth?(key: string): { consumer: Consumer; credential: Credential } | undefined;
  consumer?(idOrUsername: string): Consumer | undefined;
  /** basic-auth credential by username (the plugin verifies the password). */
  basicAuth?(username: string): { consumer: Consumer; credential: BasicAuthCredential } | undefined;
  /** jwt secret by its `key` (the token's `key_claim_name` claim). */
  jwtSecret?(key: string): { consumer: Consumer; credential: JwtCredential } | undefined;
  /** ACL groups of a consumer (decK `consumers[].acls[].group`); undefined or [] when none. */
  consumerGroups?(consumerId: string): readonly string[] | undefined;
}

/** pino-like logger. */
export interface KitLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export type ExitBody = string | Buffer | Record<string, unknown> | unknown[] | null | undefined;

/** Kong's kong.response. */
export interface ResponseKit {
  getStatus(): number;
  getHeader(name: string): string | undefined;
  getHeaders(max?: number): { headers: HeaderRecord; truncated: boolean };
  getSource(): ResponseSource;
  /**
   * The message of the current response when the kit produced it as an error: kit.response.error()
   * (its message or the default one), an unrecovered thrown error or upstream failure (the generic
   * message). undefined for exit() bodies and upstream responses. header_filter, body_filter, log, error.
   */
  getErrorMessage(): string | undefined;
  setStatus(status: number): void;
  setHeader(name: string, value: string | number | boolean): void;
  addHeader(name: string, value: string | number | boolean): void;
  clearHeader(name: string): void;
  setHeaders(headers: Record<string, HeaderInput>): void;
  getRawBody(): Buffer;
  setRawBody(body: string | Buffer): void;
  exit(status: number, body?: ExitBody, headers?: Record<string, HeaderInput>): void;
  error(status: number, message?: string, headers?: Record<string, HeaderInput>): void;
}

export interface RequestBody {
  /** "json" | "form" (urlencoded) | "multipart" (form-data) | undefined (unsupported or no content type) */
  mime: "json" | "form" | "multipart" | undefined;
  args: Record<string, unknown>;
}

/** The client request as the upstream will see it (getters) and its changes (setters: rewrite/access only). */
export interface RequestKit {
  getMethod(): string;
  setMethod(method: string): void;
  getScheme(): string;
  getHost(): string;
  getPort(): number;
  getPath(): string;
  setPath(path: string): void;
  getRawQuery(): string;
  setRawQuery(query: string): void;
  getQuery(max?: number): Record<string, string | string[]>;
  getQueryArg(name: string): string | undefined;
  setQuery(
    args: Record<string, string | number | boolean | readonly (string | number | boolean)[]>,
  ): void;
  getHeader(name: string): string | undefined;
  getHeaders(max?: number): { headers: HeaderRecord; truncated: boolean };
  setHeader(name: string, value: string | number | boolean): void;
  addHeader(name: string, value: string | number | boolean): void;
  clearHeader(name: string): void;
  setHeaders(headers: Record<string, HeaderInput>): void;
  /**
   * Reads (buffers) the request body; the buffered body is what gets forwarded. rewrite/access only.
   * With `maxBytes`: rejects with BodyTooLargeError when the body is larger (the data plane may stop
   * reading it at that point, so no more than about maxBytes is ever buffered).
   */
  getRawBody(maxBytes?: number): Promise<Buffer>;
  /** The client connection (server address/port, connection serial, requests on it), if known. */
  getConnection(): ConnectionInfo | undefined;
  /** Kong's kong.request.get_uri_captures(): the route's regex path groups (a copy). */
  getUriCaptures(): UriCaptures;
  /**
   * The request's id (Kong's `kong_request_id`: 32 lowercase hex characters, the log serializer's
   * `request.id`): the data plane's, else made on first use; the same for the whole request.
   */
  getId(): string;
  setRawBody(body: string | Buffer): void;
  /** Parsed JSON, urlencoded or multipart/form-data body (Kong's get_body). rewrite/access only. */
  getBody(): Promise<RequestBody>;
  /** Re-serializes args as the request's body type (JSON, form or multipart). rewrite/access only. */
  setBody(args: Record<string, unknown>, mime?: "json" | "form" | "multipart"): void;
}

export interface ClientKit {
  /** the connection's peer (Kong's get_ip) */
  getIp(): string;
  /** the client behind trusted proxies, by the real-IP settings (Kong's get_forwarded_ip) */
  getForwardedIp(): string;
  getConsumer(): Consumer | undefined;
  getCredential(): Credential | undefined;
  /** Sets the authenticated consumer/credential; consumer-scoped plugins apply from the next plugin on. */
  authenticate(consumer: Consumer | null, credential: Credential | null): void;
}

export interface RouterKit {
  getRoute(): unknown;
  getService(): unknown;
}

export interface ServiceKit {
  /** Cancels proxying like a Go Director cancelling its context: upstream failure "cancelled" (502). */
  cancel(reason?: string): void;
}

export interface Kit {
  readonly phase: Phase | "error";
  /** Name of the plugin currently running. */
  readonly plugin: string;
  /**
   * Id of the plugin instance (config entity) currently running, when the data plane gave one: the same on
   * every data plane for the same config document (rate-limiting keys its counters by it).
   */
  readonly instanceId: string | undefined;
  readonly response: ResponseKit;
  readonly request: RequestKit;
  readonly client: ClientKit;
  readonly router: RouterKit;
  readonly service: ServiceKit;
  /** Per-request map shared by all plugins. */
  readonly ctx: Map<string, unknown>;
  readonly log: KitLogger;
  /** Consumer / credential lookups from the config snapshot (for authentication plugins). */
  readonly credentials: CredentialLookup;
  /** What the data plane gives the log phase (PipelineIO.logInfo; log phase only, undefined before). */
  readonly logInfo: Readonly<Record<string, unknown>> | undefined;
  /**
   * Every plugin phase call of this request so far, timed (the call running now not included), when
   * a plugin of the chain has `phaseTimings`; undefined otherwise.
   */
  readonly phaseTimings: readonly PhaseTiming[] | undefined;
}

/** One plugin's call in one phase, timed (only on chains with a `phaseTimings` plugin). */
export interface PhaseTiming {
  plugin: string;
  phase: Phase | "error";
  /** epoch milliseconds (fractional) when the call started and when it ended */
  start: number;
  end: number;
  outcome: "ok" | "exit" | "error" | "recovered";
}
