import { connect } from "node:http2";
import type {
  ClientHttp2Session,
  IncomingHttpHeaders,
  IncomingHttpStatusHeader,
  OutgoingHttpHeaders,
} from "node:http2";
import type { TestContext } from "node:test";

export interface H2Reply {
  status: number;
  headers: IncomingHttpHeaders & IncomingHttpStatusHeader;
  text: string;
  json(): unknown;
}

/** An HTTP/2 session with the gateway's TLS listener (certificate not checked). */
export async function h2Session(
  t: TestContext,
  tlsUrl: string,
  servername?: string,
): Promise<ClientHttp2Session> {
  const session = connect(tlsUrl, {
    rejectUnauthorized: false,
    ...(servername === undefined ? {} : { servername }),
  });
  t.after(() => session.destroy());
  await new Promise<void>((resolve, reject) => {
    session.once("connect", () => resolve());
    session.once("error", reject);
  });
  return session;
}

/** One request on `session`; `body` is sent without a content-length unless the headers set one. */
export function h2Request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body?: string | Buffer,
): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const method = String(headers[":method"] ?? "GET");
    const stream = session.request(
      { ":method": method, ...headers },
      { endStream: body === undefined && (method === "GET" || method === "HEAD") },
    );
    let head: (IncomingHttpHeaders & IncomingHttpStatusHeader) | undefined;
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (head = h));
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const h = head ?? ({} as IncomingHttpHeaders & IncomingHttpStatusHeader);
      resolve({
        status: Number(h[":status"] ?? 0),
        headers: h,
        text,
        json: () => JSON.parse(text) as unknown,
      });
    });
    stream.on("error", reject);
    if (body !== undefined) stream.end(body);
    else if (!stream.writableEnded) stream.end();
  });
}

/** The connection-specific header names present in an h2 response head (there must be none). */
export function connectionSpecific(headers: Record<string, unknown>): string[] {
  const names = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"];
  return Object.keys(headers).filter((k) => names.includes(k.toLowerCase()));
}
