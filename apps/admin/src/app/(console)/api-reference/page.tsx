import type { Metadata } from "next";
import { requirePageSession } from "@/server/auth/page-session";
import { openApiDocument } from "@/server/openapi/document";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "API reference" };

interface OperationDoc {
  summary: string;
  tags: string[];
  "x-required-role": string;
  parameters: { name: string; in: string; description?: string }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

const schemaName = (ref: string | undefined) => ref?.split("/").pop();

/** The OpenAPI document rendered as a page: operations by tag, then every schema. */
export default async function ApiReferencePage() {
  await requirePageSession("/api-reference");
  const doc = openApiDocument() as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, OperationDoc>>;
    components: { schemas: Record<string, unknown> };
  };
  const byTag = new Map<string, { path: string; method: string; op: OperationDoc }[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, op }]);
    }
  }
  return (
    <div className="api-ref">
      <h1>{doc.info.title}</h1>
      <p className="lead">{doc.info.description}</p>
      <p>
        Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
      </p>
      <nav aria-label="API sections">
        <ul>
          {[...byTag.keys()].map((tag) => (
            <li key={tag}>
              <a href={`#tag-${tag.replace(/\W+/g, "-")}`}>{tag}</a>
            </li>
          ))}
          <li>
            <a href="#schemas">Schemas</a>
          </li>
        </ul>
      </nav>
      {[...byTag.entries()].map(([tag, ops]) => (
        <section key={tag} aria-labelledby={`tag-${tag.replace(/\W+/g, "-")}`}>
          <h2 id={`tag-${tag.replace(/\W+/g, "-")}`}>{tag}</h2>
          {ops.map(({ path, method, op }) => {
            const body = op.requestBody
              ? Object.entries(op.requestBody.content).map(([type, c]) => ({
                  type,
                  name: schemaName(c.schema.$ref),
                }))
              : [];
            return (
              <article key={`${method} ${path}`} className="api-ref-op">
                <h3>
                  <span className="method">{method}</span>
                  <code>{path}</code>
                  <span className="role">role: {op["x-required-role"]}</span>
                </h3>
                <p>{op.summary}</p>
                {op.parameters.length > 0 ? (
                  <table>
                    <caption>Parameters</caption>
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col">In</th>
                        <th scope="col">Description</th>
                      </tr>
                    </thead>
                    <tbody>
                      {op.parameters.map((p) => (
                        <tr key={`${p.in}-${p.name}`}>
                          <th scope="row">
                            <code>{p.name}</code>
                          </th>
                          <td>{p.in}</td>
                          <td>{p.description}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {body.length > 0 ? (
                  <p>
                    Body:{" "}
                    {body.map((b) => (
                      <span key={b.type}>
                        <code>{b.type}</code>{" "}
                        {b.name ? <a href={`#schema-${b.name}`}>{b.name}</a> : null}{" "}
                      </span>
                    ))}
                  </p>
                ) : null}
                <p>
                  Responses:{" "}
                  {Object.entries(op.responses).map(([status, r]) => (
                    <span key={status} title={r.description}>
                      <code>{status}</code> {r.description}
                      {"; "}
                    </span>
                  ))}
                </p>
              </article>
            );
          })}
        </section>
      ))}
      <section aria-labelledby="schemas">
        <h2 id="schemas">Schemas</h2>
        {Object.entries(doc.components.schemas).map(([name, schema]) => (
          <details key={name} id={`schema-${name}`}>
            <summary>
              <code>{name}</code>
            </summary>
            <pre tabIndex={0}>{JSON.stringify(schema, null, 2)}</pre>
          </details>
        ))}
      </section>
    </div>
  );
}
