/** The `kit` object a plugin's handlers receive: the PDK modules over one transaction. */
import { ANY, REQ_WRITE, check } from "./checks.js";
import { ClientKitImpl } from "./client.js";
import { PluginKitError } from "./errors.js";
import type { Phase } from "./phases.js";
import { RequestKitImpl } from "./request.js";
import { ResponseKitImpl } from "./response.js";
import type { Transaction } from "./transaction.js";
import type {
  CredentialLookup,
  Kit,
  KitLogger,
  PhaseTiming,
  RouterKit,
  ServiceKit,
} from "./types.js";

class RouterKitImpl implements RouterKit {
  constructor(private readonly tx: Transaction) {}
  getRoute(): unknown {
    check(this.tx, ANY, "router.getRoute");
    return this.tx.route;
  }
  getService(): unknown {
    check(this.tx, ANY, "router.getService");
    return this.tx.service;
  }
}

class ServiceKitImpl implements ServiceKit {
  constructor(private readonly tx: Transaction) {}
  cancel(reason?: string): void {
    check(this.tx, REQ_WRITE, "service.cancel");
    this.tx.cancelled = { reason: typeof reason === "string" ? reason : "cancelled by plugin" };
  }
}

class KitImpl implements Kit {
  readonly response: ResponseKitImpl;
  readonly request: RequestKitImpl;
  readonly client: ClientKitImpl;
  readonly router: RouterKitImpl;
  readonly service: ServiceKitImpl;

  constructor(private readonly tx: Transaction) {
    this.response = new ResponseKitImpl(tx);
    this.request = new RequestKitImpl(tx);
    this.client = new ClientKitImpl(tx);
    this.router = new RouterKitImpl(tx);
    this.service = new ServiceKitImpl(tx);
  }

  get phase(): Phase | "error" {
    const p = this.tx.phase;
    if (p === "idle") throw new PluginKitError("kit used outside of a plugin phase", "STATE");
    return p;
  }

  get plugin(): string {
    return this.tx.current?.name ?? "";
  }

  get instanceId(): string | undefined {
    return this.tx.current?.instanceId;
  }

  get ctx(): Map<string, unknown> {
    return (this.tx.ctx ??= new Map());
  }

  get credentials(): CredentialLookup {
    return this.tx.credentials;
  }

  get log(): KitLogger {
    return this.tx.log;
  }

  get logInfo(): Readonly<Record<string, unknown>> | undefined {
    return this.tx.logInfo;
  }

  get phaseTimings(): readonly PhaseTiming[] | undefined {
    return this.tx.timings;
  }
}

/** The transaction's kit (built on the first plugin call). */
export function kitOf(tx: Transaction): Kit {
  return (tx.kit ??= new KitImpl(tx));
}
