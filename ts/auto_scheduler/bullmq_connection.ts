// What the BullMQ queue and its workers share: loading BullMQ (lazily, so tejit works without
// it and without Redis), reading a Redis URL into connection options, checking that Redis
// answers before BullMQ is given the connection (BullMQ would retry an unreachable server
// forever, and cannot be closed while it does), and the queue name of a target key (one queue a
// target key: a worker serves only candidates built for its machine).
import { ArgumentError, ConfigError, TuneError } from "../errors.js";
import { createHash } from "node:crypto";
import type * as BullMQ from "bullmq";

/** BullMQ's connection options, or a Redis URL: redis://[user:password@]host[:port][/db], rediss:// for TLS. */
export type RedisConnection = string | BullMQ.ConnectionOptions;

/** Key prefix of tejit's queues in Redis (BullMQ's own default is "bull"). */
export const DEFAULT_PREFIX = "tejit";

/** The bullmq module, imported on first use; an Error saying how to install it when it is missing. */
export async function loadBullMQ(): Promise<typeof BullMQ> {
  try {
    return await import("bullmq");
  } catch (e) {
    throw new ConfigError(`the BullMQ measure queue needs the npm package 'bullmq' (npm install bullmq): ${(e as Error).message}`);
  }
}

/** Connection options for `c`: a URL is parsed, options are passed through. */
export function connectionOptions(c: RedisConnection): BullMQ.ConnectionOptions {
  if (typeof c !== "string") {
    if (typeof c !== "object" || c === null) throw new ArgumentError(`BullMQ queue: connection must be a Redis URL or connection options, got ${c === null ? "null" : typeof c}`);
    return c;
  }
  let u: URL;
  try {
    u = new URL(c);
  } catch {
    throw new ArgumentError(`BullMQ queue: connection '${c}' is not a URL; expected redis://host:port`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new ArgumentError(`BullMQ queue: connection '${c}' is not a Redis URL; expected redis:// or rediss://`);
  const db = u.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) throw new ArgumentError(`BullMQ queue: the database in '${c}' must be a number, got '${db}'`);
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port === "" ? 6379 : Number(u.port),
    ...(u.username !== "" ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== "" ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== "" ? { db: Number(db) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/** Where the connection points, for messages (no password). */
export function describeConnection(c: RedisConnection): string {
  if (typeof c === "string") {
    try {
      const u = new URL(c);
      u.password = "";
      u.username = "";
      return u.toString();
    } catch {
      return c;
    }
  }
  const o = c as { host?: string; port?: number };
  return `redis://${o.host ?? "127.0.0.1"}:${o.port ?? 6379}`;
}

/** The queue of target key `targetKey` (BullMQ queue names cannot hold ':', so a hash). */
export function queueName(targetKey: string): string {
  if (typeof targetKey !== "string" || targetKey === "") throw new ArgumentError(`BullMQ queue: the target key must be a non-empty string, got ${JSON.stringify(targetKey)}`);
  return `measure-${createHash("sha256").update(targetKey).digest("hex").slice(0, 24)}`;
}

/**
 * Resolves when the Redis server of `c` answers PING within `timeoutMs`; otherwise an Error
 * starting with `who` and naming the server. A connection given as a client instance is not checked.
 */
export async function assertReachable(c: RedisConnection, timeoutMs: number, who: string): Promise<void> {
  const opts = connectionOptions(c) as Record<string, unknown>;
  if (typeof opts.duplicate === "function" || "isCluster" in opts || Array.isArray(opts.nodes)) return;
  const { Redis } = await import("ioredis");
  const client = new Redis({ ...opts, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: timeoutMs });
  let lastError: Error | undefined;
  client.on("error", (e: Error) => { lastError = e; });
  try {
    await within(client.connect().then(() => client.ping()), timeoutMs, "no answer");
  } catch (e) {
    const why = lastError?.message ?? (e as Error).message;
    throw new TuneError(`${who}: cannot connect to Redis at ${describeConnection(c)} within ${timeoutMs} ms (${why})`);
  } finally {
    client.disconnect();
  }
}

/** `p`, or an Error saying what did not happen within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TuneError(`${what} within ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
