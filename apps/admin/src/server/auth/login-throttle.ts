import "server-only";
import { db } from "@/server/db";

/**
 * Sign-in throttling: growing delays per (username, client address) and per client address
 * across usernames. No hard lockout: failures from one address never delay another address.
 * After `free` attempts the next one waits `firstDelayMs`, then twice as long each time, up to
 * `maxDelayMs`; a row is forgotten `forgetAfterMs` after its last attempt.
 */
export const LOGIN_THROTTLE = {
  perUserAndAddress: 5,
  perAddress: 20,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
  forgetAfterMs: 24 * 60 * 60 * 1000,
} as const;

/** The row of an address across every username (usernames are never empty). */
const ANY_USER = "";

/** How long the attempt after the `failures`-th one waits. */
export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(LOGIN_THROTTLE.maxDelayMs, LOGIN_THROTTLE.firstDelayMs * 2 ** (failures - free));
}

// The database's clock in the columns' convention (timestamp without time zone, UTC), read
// while the statement holds the row's lock.
const NOW = `(clock_timestamp() AT TIME ZONE 'UTC')`;
/** This attempt's number: one more than the row's, or 1 when the row was forgotten. */
const NEXT = `(CASE WHEN t."lastAttemptAt" < ${NOW} - $5::float8 * interval '1 millisecond'
  THEN 1 ELSE t."failures" + 1 END)`;

/**
 * One statement: counts an attempt on the row (username, address) unless the row is still
 * delayed, and returns the attempt's number (no row: delayed). ON CONFLICT DO UPDATE locks the
 * row and checks the newest version, so concurrent attempts are counted one after the other and
 * none passes a delay another has just set.
 */
const CLAIM = `
  INSERT INTO "LoginThrottle" AS t
    ("username", "address", "failures", "lastAttemptAt", "blockedUntil", "updatedAt")
  VALUES ($1, $2, 1, ${NOW}, ${NOW}, ${NOW})
  ON CONFLICT ("username", "address") DO UPDATE SET
    "failures" = ${NEXT},
    "lastAttemptAt" = ${NOW},
    "blockedUntil" = ${NOW} + LEAST($6::float8, CASE WHEN ${NEXT} < $3::int THEN 0
      ELSE $4::float8 * power(2, ${NEXT} - $3::int) END) * interval '1 millisecond',
    "updatedAt" = ${NOW},
    "version" = t."version" + 1
  WHERE t."blockedUntil" <= ${NOW}
  RETURNING "failures"`;

async function claimRow(username: string, address: string, free: number): Promise<number | null> {
  const { firstDelayMs, forgetAfterMs, maxDelayMs } = LOGIN_THROTTLE;
  const rows = await db().$queryRawUnsafe<{ failures: number }[]>(
    CLAIM,
    username,
    address,
    free,
    firstDelayMs,
    forgetAfterMs,
    maxDelayMs,
  );
  return rows[0]?.failures ?? null;
}

async function remainingDelayMs(username: string, address: string): Promise<number> {
  const rows = await db().$queryRawUnsafe<{ ms: number | null }[]>(
    `SELECT (EXTRACT(EPOCH FROM ("blockedUntil" - ${NOW})) * 1000)::float8 AS "ms"
     FROM "LoginThrottle" WHERE "username" = $1 AND "address" = $2`,
    username,
    address,
  );
  return Math.max(0, rows[0]?.ms ?? 0);
}

export type Claim =
  | { allowed: true; failures: { user: number; address: number } }
  | { allowed: false; retryAfterMs: number };

/**
 * Records one sign-in attempt BEFORE its password is checked: first on (username, address),
 * then on (any user, address), each atomically. Refused while either is delayed; an attempt
 * refused by the address's delay still counts for its (username, address).
 */
export async function claimLoginAttempt(username: string, address: string): Promise<Claim> {
  await forgetOldRows();
  const user = await claimRow(username, address, LOGIN_THROTTLE.perUserAndAddress);
  if (user === null) {
    return { allowed: false, retryAfterMs: await remainingDelayMs(username, address) };
  }
  const any = await claimRow(ANY_USER, address, LOGIN_THROTTLE.perAddress);
  if (any === null) {
    return { allowed: false, retryAfterMs: await remainingDelayMs(ANY_USER, address) };
  }
  return { allowed: true, failures: { user, address: any } };
}

/**
 * A failed sign-in: its delays run from now, when the client learns of the failure (the claim
 * already started them, which bounds concurrent attempts; a slow password check must not eat
 * into them).
 */
export async function recordLoginFailure(
  username: string,
  address: string,
  failures: { user: number; address: number },
): Promise<void> {
  const rows = [
    { username, delay: delayAfter(failures.user, LOGIN_THROTTLE.perUserAndAddress) },
    { username: ANY_USER, delay: delayAfter(failures.address, LOGIN_THROTTLE.perAddress) },
  ].filter((row) => row.delay > 0);
  for (const row of rows) {
    await db().$executeRawUnsafe(
      `UPDATE "LoginThrottle"
       SET "blockedUntil" = GREATEST("blockedUntil", ${NOW} + $3::float8 * interval '1 millisecond')
       WHERE "username" = $1 AND "address" = $2`,
      row.username,
      address,
      row.delay,
    );
  }
}

/**
 * A successful sign-in: its (username, address) row is cleared and its attempt no longer counts
 * against the address.
 */
export async function clearLoginAttempts(username: string, address: string): Promise<void> {
  await db().$transaction([
    db().loginThrottle.deleteMany({ where: { username, address } }),
    db().loginThrottle.updateMany({
      where: { username: ANY_USER, address, failures: { gt: 0 } },
      data: { failures: { decrement: 1 }, version: { increment: 1 } },
    }),
  ]);
}

let lastCleanup = 0;

/** Drops rows idle for longer than `forgetAfterMs`, at most every 10 minutes per process. */
async function forgetOldRows(): Promise<void> {
  if (Date.now() - lastCleanup < 10 * 60 * 1000) return;
  lastCleanup = Date.now();
  await db().$executeRawUnsafe(
    `DELETE FROM "LoginThrottle"
     WHERE "lastAttemptAt" < ${NOW} - $1::float8 * interval '1 millisecond'
       AND "blockedUntil" < ${NOW}`,
    LOGIN_THROTTLE.forgetAfterMs,
  );
}
