/**
 * Answers written straight to a client socket when no HTTP request object exists (a broken
 * request, CONNECT): one JSON answer with `Connection: close`, then the socket is closed for sure.
 */
import type { Duplex } from "node:stream";
import { endThenDestroy } from "./connections.js";

export const CONNECT_ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
export const CONNECT_ALLOW = `Allow: ${CONNECT_ALLOW_METHODS}\r\n`;

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  405: "Method Not Allowed",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
};

export function socketAnswer(status: number, message: string, extra = ""): string {
  const body = JSON.stringify({ message });
  return (
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`
  );
}

/**
 * The proxy listener's `clientError` handler: answer a broken request at the socket level (no HTTP
 * request object exists), then close; a peer that does not close within `graceMs` is destroyed.
 */
export function clientErrorHandler(
  graceMs: number,
  onForced?: () => void,
): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return (err, socket) => {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    // an answer already under way must not get a second status line in its middle (Node does the same)
    if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    let status = 400;
    if (err.code === "HPE_HEADER_OVERFLOW") status = 431;
    else if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" || err.code === "HPE_HEADERS_TIMEOUT")
      status = 408;
    endThenDestroy(socket, socketAnswer(status, STATUS_TEXT[status] as string), graceMs, onForced);
  };
}
