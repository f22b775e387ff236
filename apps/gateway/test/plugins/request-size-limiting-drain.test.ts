// The 413 must reach a client that writes its whole body before it reads (curl, most SDKs): the gateway
// keeps reading and discarding the rest (bounded, as nginx's lingering close) instead of resetting it.
import assert from "node:assert/strict";
import net from "node:net";
import { test } from "node:test";
import { builtinCatalog } from "@gatehouse/plugins";
import { gateway } from "../helpers.js";
import { echoUpstream, gatewayWith, oneRoute } from "./helpers.js";

const FIVE_MB = 5 * 1024 * 1024;

/**
 * Writes the head and the whole body (waiting for each write, `pauseMs` between 64 KiB chunks), then
 * reads until the server closes.
 */
function writeAllThenRead(url: string, head: string, size: number, pauseMs = 0): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = "";
    socket.on("data", (c: Buffer) => (received += c.toString("latin1")));
    socket.on("error", (err) =>
      reject(new Error(`${err.message}; received: ${received.slice(0, 80)}`)),
    );
    socket.on("close", () => resolve(received));
    socket.pause(); // read nothing until the whole body is written
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let left = size;
    const writeMore = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        const flushed = socket.write(n === chunk.length ? chunk : chunk.subarray(0, n));
        if (pauseMs > 0 && left > 0) {
          setTimeout(writeMore, pauseMs);
          return;
        }
        if (!flushed) {
          socket.once("drain", writeMore);
          return;
        }
      }
      socket.resume();
      socket.end();
    };
    socket.write(head);
    writeMore();
  });
}

test("request-size-limiting: the 413 reaches a client that writes its whole 5 MB body before reading", async (t) => {
  const up = await echoUpstream(t);
  const url = await gatewayWith(
    t,
    oneRoute(up.url, [
      {
        name: "request-size-limiting",
        config: { allowed_payload_size: 1, size_unit: "kilobytes" },
      },
    ]),
  );
  for (const framing of [`Content-Length: ${FIVE_MB}\r\n`, "Transfer-Encoding: chunked\r\n"]) {
    const chunked = framing.startsWith("Transfer");
    const head = `POST /api HTTP/1.1\r\nHost: x\r\n${framing}\r\n`;
    const text = chunked
      ? await writeAllThenRead(url, `${head}${FIVE_MB.toString(16)}\r\n`, FIVE_MB)
      : await writeAllThenRead(url, head, FIVE_MB);
    assert.match(text, /^HTTP\/1\.1 413 /, `${framing.trim()}: ${text.slice(0, 40)}`);
    assert.match(text, /Request size limit exceeded/);
  }
  assert.equal(up.seen.length, 0);
});

test("request-size-limiting: a slow client (5 MB over ~4 s) still gets the 413 after its last byte", async (t) => {
  const up = await echoUpstream(t);
  const url = await gatewayWith(
    t,
    oneRoute(up.url, [
      {
        name: "request-size-limiting",
        config: { allowed_payload_size: 1, size_unit: "kilobytes" },
      },
    ]),
  );
  const head = `POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: ${FIVE_MB}\r\n\r\n`;
  const text = await writeAllThenRead(url, head, FIVE_MB, 50);
  assert.match(text, /^HTTP\/1\.1 413 /, text.slice(0, 40));
});

test("the discarding after an early answer is bounded: past lingerBytes the connection is closed", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    oneRoute(up.url, [
      {
        name: "request-size-limiting",
        config: { allowed_payload_size: 1, size_unit: "kilobytes" },
      },
    ]),
    { plugins: builtinCatalog, limits: { lingerBytes: 256 * 1024 } },
  );
  const { port } = new URL(gw.url);
  const { outcome, written } = await new Promise<{ outcome: string; written: number }>(
    (resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1");
      const done = (outcome: string) => resolve({ outcome, written: socket.bytesWritten });
      socket.on("error", (err: NodeJS.ErrnoException) => done(err.code ?? "error"));
      socket.on("close", () => done("closed"));
      socket.on("data", () => undefined);
      socket.write(`POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: ${50 * FIVE_MB}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once("drain", pump);
      };
      pump();
    },
  );
  // the server stopped reading a little past 256 KiB (socket buffers aside), far from the 250 MB announced
  assert.ok(written < 32 * 1024 * 1024, `${written} bytes were taken before the close`);
  assert.ok(["closed", "ECONNRESET", "EPIPE"].includes(outcome), outcome);
});
