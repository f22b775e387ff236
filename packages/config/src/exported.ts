/**
 * The declarative document as the control plane writes it (`@gatehouse/db` exportDeclarative):
 * what the admin exports, what a config version holds, what data planes receive. A
 * `DeclarativeDocument` (schema.ts) with its defaults written out: every entity has its id and
 * every field its value, entities sorted, so equal configurations give equal documents and hashes.
 * The type check at the end keeps it a document the schema reads.
 */
import type { z } from "zod";
import type { documentSchema } from "./schema.js";
import type { JwtAlgorithm } from "./jwt-algorithms.js";
import type { HashOn, Healthchecks, UpstreamAlgorithm } from "./upstream-schema.js";

/** A reference to another entity: its name, or `{ id }` when it has none. */
export type ExportedRef = string | { id: string };

export interface ExportedPlugin {
  id: string;
  name: string;
  instance_name?: string;
  config: Record<string, unknown>;
  enabled: boolean;
  protocols: ("http" | "https")[];
  tags: string[];
  /** Only on plugins scoped to more than their parent (e.g. a route plugin for one consumer). */
  service?: ExportedRef;
  route?: ExportedRef;
  consumer?: ExportedRef;
}

export interface ExportedRoute {
  id: string;
  name?: string;
  /** Top-level routes only: the service (by name) a route points at; nested routes omit it. */
  service?: ExportedRef;
  protocols: ("http" | "https")[];
  methods?: string[];
  hosts?: string[];
  paths?: string[];
  headers?: Record<string, string[]>;
  strip_path: boolean;
  preserve_host: boolean;
  regex_priority: number;
  /** only when not Kong's default 426 (documents from before it was stored keep their hash) */
  https_redirect_status_code?: 301 | 302 | 307 | 308;
  tags: string[];
  plugins?: ExportedPlugin[];
}

export interface ExportedService {
  id: string;
  name: string;
  protocol: "http" | "https";
  host: string;
  port: number;
  path?: string;
  connect_timeout: number;
  read_timeout: number;
  write_timeout: number;
  retries: number;
  /** the TLS fields only when set (documents from before they existed keep their hash) */
  tls_verify?: boolean;
  tls_verify_depth?: number;
  ca_certificates?: string[];
  client_certificate?: { id: string };
  tags: string[];
  routes?: ExportedRoute[];
  plugins?: ExportedPlugin[];
}

export interface ExportedTarget {
  id: string;
  target: string;
  weight: number;
  tags: string[];
}

/**
 * An upstream (Kong's entity, decK's shape) with its targets; a service whose `host` names it
 * balances over it. A service's own upstream (its targets added under the service) is written
 * with `host_header` = the service's host, and the service's `host` = the upstream's name.
 */
export interface ExportedUpstream {
  id: string;
  name: string;
  algorithm: UpstreamAlgorithm;
  hash_on: HashOn;
  hash_fallback: HashOn;
  hash_on_header?: string;
  hash_fallback_header?: string;
  hash_on_cookie?: string;
  hash_on_cookie_path: string;
  hash_on_query_arg?: string;
  hash_fallback_query_arg?: string;
  hash_on_uri_capture?: string;
  hash_fallback_uri_capture?: string;
  slots: number;
  healthchecks: Healthchecks;
  host_header?: string;
  tags: string[];
  targets: ExportedTarget[];
}

export interface ExportedConsumer {
  id: string;
  username?: string;
  custom_id?: string;
  tags: string[];
  keyauth_credentials?: { id: string; key_hash: string; tags: string[] }[];
  basicauth_credentials?: { id: string; username: string; password_hash: string; tags: string[] }[];
  jwt_secrets?: {
    id: string;
    key: string;
    algorithm: JwtAlgorithm;
    secret?: string;
    rsa_public_key?: string;
    tags: string[];
  }[];
  acls?: { group: string; tags: string[] }[];
  plugins?: ExportedPlugin[];
}

export interface ExportedCertificate {
  id: string;
  cert: string;
  /** the private key in clear (masked by the admin unless an admin asks for secrets) */
  key: string;
  cert_alt?: string;
  key_alt?: string;
  tags: string[];
  snis: { id: string; name: string; tags: string[] }[];
}

export interface ExportedCaCertificate {
  id: string;
  cert: string;
  cert_digest: string;
  tags: string[];
}

export interface ExportedDocument {
  _format_version: "3.0";
  services: ExportedService[];
  routes: ExportedRoute[];
  consumers: ExportedConsumer[];
  upstreams: ExportedUpstream[];
  /** only when there are any (documents from before they existed keep their hash) */
  certificates?: ExportedCertificate[];
  ca_certificates?: ExportedCaCertificate[];
  plugins: ExportedPlugin[];
  /** the admin's upstream deny list (Setting "upstream_deny"); absent = the data planes' default */
  upstream_deny?: string[];
}

/** Compile-time only: an exported document is a document the schema reads (fails to build if not). */
export type ExportedIsDeclarative =
  ExportedDocument extends z.input<typeof documentSchema> ? true : never;
const exportedIsDeclarative: ExportedIsDeclarative = true;
void exportedIsDeclarative;
