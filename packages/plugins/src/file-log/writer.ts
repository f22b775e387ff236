import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open, realpath } from "node:fs/promises";
import { dirname } from "node:path";
import type { KitLogger } from "@gatehouse/plugin-kit";
import { allowedDirOf, specialKind } from "./place.js";

// never follow a final symlink; a FIFO without a reader fails (ENXIO) instead of blocking
const OPEN_FLAGS =
  constants.O_WRONLY |
  constants.O_APPEND |
  constants.O_CREAT |
  constants.O_NOFOLLOW |
  constants.O_NONBLOCK;

/** A log path refused when opening it (outside the allowed directory, not a regular file). */
class RefusedPath extends Error {}

/** Entries waiting while a write is in progress, at most (above, the oldest are dropped). */
export const MAX_BACKLOG = 10_000;
const WARN_EVERY_MS = 5000;

function reasonOf(path: string, err: unknown): string {
  if (err instanceof RefusedPath) return err.message;
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case "ELOOP":
      return "the path is a symbolic link (refused)";
    case "ENXIO":
      return "the path is a FIFO or a device (refused)";
    case "ENOENT":
      return `directory ${dirname(path)} does not exist (ENOENT)`;
    case "EACCES":
    case "EPERM":
      return `permission denied (${e.code})`;
    case "EISDIR":
      return "the path is a directory (EISDIR)";
    default:
      return e.message ?? String(err);
  }
}

/**
 * The appender of one log file, shared by every file-log instance naming that path. push() never
 * blocks and never throws: lines wait in a bounded in-memory backlog while one write is in
 * progress; every write takes the whole backlog (one batch, one append). The file is opened in
 * append mode (O_APPEND) and kept open, except for batches containing an entry of a `reopen: true`
 * instance: those open the file, append and close it again, so a file renamed by logrotate is
 * recreated by the next batch.
 */
export class FileLogWriter {
  private backlog: string[] = [];
  private reopenNext = false;
  private fh: FileHandle | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  /** entries dropped because the backlog was full (since start) */
  dropped = 0;
  private droppedSinceWarn = 0;
  private lastDropWarn = 0;
  /** entries lost because the file could not be opened or written */
  failed = 0;
  private failedSinceLog = 0;
  private lastErrorLog = 0;

  constructor(
    readonly path: string,
    private log: KitLogger,
    readonly maxBacklog = MAX_BACKLOG,
    /** the allowed directory the path was placed in (checked again at every open) */
    readonly dir?: string,
  ) {}

  setLogger(log: KitLogger): void {
    this.log = log;
  }

  /** Lines waiting (not counting the batch being written). */
  get size(): number {
    return this.backlog.length;
  }

  /** Queues one line (a trailing newline is added); `reopen` asks for a fresh open of the file. */
  push(line: string, reopen: boolean): void {
    if (this.closed) return;
    this.backlog.push(`${line}\n`);
    if (reopen) this.reopenNext = true;
    if (this.backlog.length > this.maxBacklog) {
      const over = this.backlog.length - this.maxBacklog;
      this.backlog.splice(0, over);
      this.dropped += over;
      this.droppedSinceWarn += over;
      const now = Date.now();
      if (now - this.lastDropWarn >= WARN_EVERY_MS) {
        this.log.warn(
          { path: this.path, dropped: this.droppedSinceWarn, total_dropped: this.dropped },
          `file-log: ${this.path} is slow: backlog full (${this.maxBacklog} entries), dropped the oldest ${this.droppedSinceWarn} entries`,
        );
        this.droppedSinceWarn = 0;
        this.lastDropWarn = now;
      }
    }
    this.running ??= this.drain();
  }

  /** Resolves when nothing is waiting or being written. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.backlog.length > 0) {
        const lines = this.backlog.splice(0);
        const reopen = this.reopenNext;
        this.reopenNext = false;
        await this.write(lines, reopen);
      }
    } finally {
      this.running = undefined;
    }
  }

  private async write(lines: string[], reopen: boolean): Promise<void> {
    const data = lines.join("");
    try {
      if (reopen) {
        await this.release();
        const fh = await this.open();
        try {
          await fh.writeFile(data);
        } finally {
          await fh.close();
        }
        return;
      }
      this.fh ??= await this.open();
      await this.fh.writeFile(data);
    } catch (err) {
      await this.release(); // the next batch opens the file again (e.g. once the directory exists)
      this.failed += lines.length;
      this.failedSinceLog += lines.length;
      const now = Date.now();
      if (now - this.lastErrorLog >= WARN_EVERY_MS) {
        this.log.error(
          { path: this.path, dropped: this.failedSinceLog, total_failed: this.failed },
          `file-log: cannot write to ${this.path}: ${reasonOf(this.path, err)}; dropped ${this.failedSinceLog} entries`,
        );
        this.failedSinceLog = 0;
        this.lastErrorLog = now;
      }
    }
  }

  /**
   * Opens the file for appending, checked again (the file system may have changed since the
   * config was applied): the directory must still resolve to itself inside the allowed directory,
   * a final symlink is never followed, and only a regular file is written to.
   */
  protected async open(): Promise<FileHandle> {
    const parent = dirname(this.path);
    const real = await realpath(parent);
    if (real !== parent || (this.dir !== undefined && allowedDirOf(real, [this.dir]) === undefined))
      throw new RefusedPath(`directory ${parent} resolves elsewhere (a symbolic link, refused)`);
    const fh = await open(this.path, OPEN_FLAGS, 0o640);
    const kind = specialKind(await fh.stat());
    if (kind !== null) {
      await fh.close();
      throw new RefusedPath(`the path is ${kind}, not a regular file (refused)`);
    }
    return fh;
  }

  private async release(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    if (fh) await fh.close().catch(() => undefined);
  }

  /** Writes what is waiting, then closes the file. Later pushes are ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.idle();
    await this.release();
  }
}
