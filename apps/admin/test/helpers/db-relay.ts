// A TCP relay in front of PostgreSQL that a test can cut, to see what the admin does while the
// database is unreachable.
import { createServer, Socket as NetSocket } from "node:net";
import type { Server, Socket } from "node:net";
import { createTestDatabase } from "@gatehouse/db/testing";
import type { TestDatabase } from "@gatehouse/db/testing";
import type { ControlPlane } from "./cluster.js";
import { startControlPlane } from "./cluster.js";

export interface Relay {
  port: number;
  /** every relayed connection reset, new ones refused until restore() */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP relay in front of PostgreSQL that can be cut (every connection reset, new ones refused). */
export async function relay(target: { host: string; port: number }): Promise<Relay> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((downstream) => {
    if (!open) return downstream.destroy();
    const upstream = new NetSocket();
    sockets.add(downstream).add(upstream);
    const drop = () => {
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    upstream.connect(target.port, target.host);
    downstream.pipe(upstream).pipe(downstream);
    downstream.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * A fresh test database, a relay in front of it, and the built admin reaching the database only
 * through the relay. Stop in this order: cp.stop(), gate.cut(), gate.close(), db.drop().
 */
export async function controlPlaneBehindRelay(): Promise<{
  db: TestDatabase;
  gate: Relay;
  cp: ControlPlane;
}> {
  const db = await createTestDatabase();
  const url = new URL(db.url);
  const gate = await relay({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = "127.0.0.1";
  url.port = String(gate.port);
  const cp = await startControlPlane({ databaseUrl: url.href });
  return { db, gate, cp };
}
