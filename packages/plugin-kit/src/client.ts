/** kit.client (Kong's kong.client): who is calling, and authentication (which may switch the chain). */
import { ANY, REQ_WRITE, check } from "./checks.js";
import { argError } from "./errors.js";
import type { Transaction } from "./transaction.js";
import type { ClientKit, Consumer, Credential } from "./types.js";

export class ClientKitImpl implements ClientKit {
  constructor(private readonly tx: Transaction) {}

  /** Kong's kong.client.get_ip: the address of the connection's peer (a trusted proxy included). */
  getIp(): string {
    check(this.tx, ANY, "client.getIp");
    return this.tx.info.peerIp ?? this.tx.info.clientIp;
  }

  /**
   * Kong's kong.client.get_forwarded_ip: the client's address behind trusted proxies (real_ip_header,
   * real_ip_recursive); the peer's otherwise. What ip-restriction, rate-limiting and the logs use.
   */
  getForwardedIp(): string {
    check(this.tx, ANY, "client.getForwardedIp");
    return this.tx.info.clientIp;
  }

  getConsumer(): Consumer | undefined {
    check(this.tx, ANY, "client.getConsumer");
    return this.tx.consumer;
  }

  getCredential(): Credential | undefined {
    check(this.tx, ANY, "client.getCredential");
    return this.tx.credential;
  }

  authenticate(consumer: Consumer | null, credential: Credential | null): void {
    const fn = "client.authenticate";
    const tx = this.tx;
    check(tx, REQ_WRITE, fn);
    if (consumer == null && credential == null)
      throw argError(fn, "either credential or consumer must be provided");
    if (consumer != null && (typeof consumer !== "object" || typeof consumer.id !== "string")) {
      throw argError(fn, "consumer must be an object with a string id");
    }
    if (credential != null && typeof credential !== "object")
      throw argError(fn, "credential must be an object");
    tx.consumer = consumer ?? undefined;
    tx.credential = credential ?? undefined;
    // consumer-scoped plugins apply from the next plugin on: the runner resumes in the new chain
    const next = tx.baseChain.forConsumer(tx.consumer);
    if (next !== tx.chain) {
      tx.chain = next;
      tx.chainSwitched = true;
    }
  }
}
