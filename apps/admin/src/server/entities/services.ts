import "server-only";
import type { NormalizedConfig } from "@gatehouse/config";
import type { Service } from "@gatehouse/db/client";
import { BASE_SORT, idOrColumn, idRef, timestamps } from "@/server/entities/common";
import { serviceTlsDocument } from "@/server/entities/service-tls";
import type { Resource } from "@/server/entities/resource";
import { cleanInput, merge, validateEntity } from "@/server/entities/validate";

export const SERVICE_FIELDS = [
  "name",
  "url",
  "protocol",
  "host",
  "port",
  "path",
  "connect_timeout",
  "read_timeout",
  "write_timeout",
  "retries",
  "tls_verify",
  "tls_verify_depth",
  "ca_certificates",
  "client_certificate",
  "tags",
] as const;

/**
 * A validated service as its database row (Prisma field names, without the id). `ownHost`: the
 * host a service balancing over an upstream of its own keeps (that upstream's Host header, what
 * the export writes back as its host_header); a service naming any other upstream keeps the name.
 */
export function serviceRow(s: NormalizedConfig["services"][number], ownHost?: string) {
  return {
    name: s.name,
    protocol: s.protocol,
    host: ownHost ?? s.host,
    port: s.port,
    path: s.path,
    connectTimeout: s.connectTimeout,
    readTimeout: s.readTimeout,
    writeTimeout: s.writeTimeout,
    retries: s.retries,
    tlsVerify: s.tlsVerify,
    tlsVerifyDepth: s.tlsVerifyDepth,
    caCertificates: s.caCertificates,
    clientCertificateId: s.clientCertificate,
    tags: s.tags,
  };
}

/** The service as the declarative format writes it (what validation runs on). */
function serviceDoc(row: Service): Record<string, unknown> {
  return {
    name: row.name,
    protocol: row.protocol,
    host: row.host,
    port: row.port,
    ...(row.path !== null ? { path: row.path } : {}),
    connect_timeout: row.connectTimeout,
    read_timeout: row.readTimeout,
    write_timeout: row.writeTimeout,
    retries: row.retries,
    ...(row.tlsVerify !== null ? { tls_verify: row.tlsVerify } : {}),
    ...(row.tlsVerifyDepth !== null ? { tls_verify_depth: row.tlsVerifyDepth } : {}),
    ...(row.caCertificates.length > 0 ? { ca_certificates: row.caCertificates } : {}),
    ...(row.clientCertificateId !== null ? { client_certificate: row.clientCertificateId } : {}),
    tags: row.tags,
  };
}

export const services: Resource<Service> = {
  type: "service",
  delegate: (tx) => tx.service as never,
  fields: SERVICE_FIELDS,
  putField: "name",
  sortable: { name: "name", ...BASE_SORT },
  nameColumn: "name",
  scopeWhere: () => ({}),
  keyWhere: idOrColumn("name"),
  toApi: (row) => ({
    id: row.id,
    name: row.name,
    protocol: row.protocol,
    host: row.host,
    port: row.port,
    path: row.path,
    connect_timeout: row.connectTimeout,
    read_timeout: row.readTimeout,
    write_timeout: row.writeTimeout,
    retries: row.retries,
    tls_verify: row.tlsVerify,
    tls_verify_depth: row.tlsVerifyDepth,
    ca_certificates: row.caCertificates,
    client_certificate: idRef(row.clientCertificateId),
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(tx, input, current) {
    const cleaned = cleanInput(input, current ? SERVICE_FIELDS : [...SERVICE_FIELDS, "id"], [
      "enabled",
      "routes",
      "plugins",
    ]);
    if (!current && typeof input.id === "string") cleaned.values.id = input.id;
    const base = current ? serviceDoc(current) : {};
    if ("url" in cleaned.values) {
      for (const key of ["protocol", "host", "port", "path"]) delete base[key];
    }
    const candidate = merge(base, cleaned);
    // Setting url together with parts is an error the validator reports; keep parts from the body.
    const config = validateEntity(
      { ...(await serviceTlsDocument(tx, candidate)), services: [candidate] },
      "services[0]",
      cleaned.errors,
    );
    const s = config.services[0];
    if (!s) throw new Error("validated service missing");
    return {
      data: {
        ...(!current && typeof candidate.id === "string" ? { id: candidate.id } : {}),
        ...serviceRow(s),
      },
    };
  },
  async deleteBlockers(tx, row) {
    const routes = await tx.route.findMany({
      where: { serviceId: row.id },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    });
    return { type: "route", names: routes.map((r) => r.name ?? r.id) };
  },
};
