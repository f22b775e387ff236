import "server-only";
import { availableParallelism } from "node:os";
import { ApiError } from "@/server/http/errors";

/**
 * A counting semaphore with a bounded queue: at most `slots` tasks run at once, at most
 * `maxWaiting` wait (each for at most `maxWaitMs`); anything beyond is refused at once.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly slots: number,
    private readonly maxWaiting: number,
    private readonly maxWaitMs: number,
    private readonly refuse: () => Error,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.slots) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(this.refuse());
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(); // the slot is handed over: `running` stays as it is
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(wake);
        if (index !== -1) this.waiting.splice(index, 1);
        reject(this.refuse());
      }, this.maxWaitMs);
      this.waiting.push(wake);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

/**
 * Password hashing (scrypt, ~32 MiB and tens of ms of CPU each) is bounded per process: half
 * the cores at once, 32 more queued for up to 10 s, the rest refused with 503 + Retry-After, so
 * a flood of sign-ins cannot starve the rest of the admin.
 */
export const passwordHashing = new Semaphore(
  Math.max(1, Math.floor(availableParallelism() / 2)),
  32,
  10_000,
  () =>
    new ApiError("unavailable", "too many sign-ins in progress; try again in a moment", {
      headers: { "retry-after": "1" },
    }),
);
