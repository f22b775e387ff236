/**
 * Requests that ask for a protocol upgrade (`Connection: Upgrade` + `Upgrade: ...`). Node hands
 * them over with the raw socket (the 'upgrade' event, its HTTP parser detached): each gets a
 * ServerResponse of its own on that socket, so the pipeline answers them like any request (error
 * formatting, plugin exits) when it does not upgrade; the socket is closed after such an answer.
 * A WebSocket handshake (GET + `Upgrade: websocket`) is routed and may be relayed (proxy/upgrade.ts);
 * any other upgrade (h2c) is answered as a plain HTTP/1.1 request, its Upgrade ignored, as before.
 * Upgraded sockets are tracked per listener: shutdown destroys those still open after its grace.
 */
import { ServerResponse } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { endThenDestroy } from "./connections.js";

/** A WebSocket opening handshake (RFC 6455 4.1: GET, `Upgrade: websocket`). */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return req.method === "GET" && typeof upgrade === "string" && /^\s*websocket\s*$/i.test(upgrade);
}

/** An upgrade request that carries a body: its body cannot be read once the parser is detached. */
export function hasRequestBody(req: IncomingMessage): boolean {
  const cl = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (cl !== undefined && Number(cl) !== 0);
}

/**
 * A response written on `socket` for a request Node handed over as an upgrade. `Connection: close`;
 * once it is sent the socket ends (destroyed if the peer does not close within `graceMs`).
 */
export function responseOnSocket(
  req: IncomingMessage,
  socket: Duplex,
  graceMs: number,
  onForced?: () => void,
): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once("finish", () => endThenDestroy(socket, "", graceMs, onForced));
  return res;
}

const upgraded = new WeakMap<Server, Set<Duplex>>();

/** Count `socket` among `server`'s upgrade sockets until it closes. */
export function trackUpgradeSocket(server: Server, socket: Duplex): void {
  let set = upgraded.get(server);
  if (set === undefined) {
    set = new Set();
    upgraded.set(server, set);
  }
  const sockets = set;
  sockets.add(socket);
  socket.once("close", () => sockets.delete(socket));
}

/** Destroy `server`'s upgrade sockets still open (shutdown, after its grace). */
export function destroyUpgradeSockets(server: Server): void {
  for (const socket of upgraded.get(server) ?? []) socket.destroy();
}
