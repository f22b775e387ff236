// Types of cluster-listener.mjs (plain JS: server.mjs runs under Node without a build step).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server } from "node:https";
import type { ClusterTls } from "@gatehouse/config/cluster-tls";

export declare const DATAPLANE_PREFIX: string;
export declare const DEFAULT_CLUSTER_LISTEN: string;
export declare function isDataPlanePath(url: string | undefined): boolean;
export declare function parseClusterListen(value: string): { host: string; port: number };
export declare function refuseDataPlanePath(res: ServerResponse): void;
export declare function createClusterServer(
  tls: ClusterTls,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Server;
