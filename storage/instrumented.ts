// Wraps any LockStore so every operation is counted and timed once, in one place.
import { metrics } from "./metrics";
import type { LockStore } from "./types";

type Operation = "acquire" | "renew" | "release" | "get" | "list";

/** A short, bounded label for an error: its code, name or "error". */
function errorType(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e.code === "string" && e.code.length <= 40) return e.code;
  if (typeof e.code === "number") return String(e.code);
  if (typeof e.name === "string" && e.name !== "Error") return e.name;
  return "error";
}

export function instrument(store: LockStore): LockStore {
  const backend = store.backend;
  async function timed<T>(operation: Operation, fn: () => Promise<T>): Promise<T> {
    metrics.dbOperations.inc({ operation, backend });
    if (backend === "redis") metrics.redisOperations.inc({ operation });
    const end = metrics.dbLatency.startTimer({ operation, backend });
    try {
      return await fn();
    } catch (err) {
      metrics.dbErrors.inc({ operation, backend, error_type: errorType(err) });
      throw err;
    } finally {
      end();
    }
  }
  const list = store.list?.bind(store);
  return {
    backend,
    // Forwarded only when the backend has it, so `store.list` stays a feature test.
    ...(list
      ? { list: (prefix: string, limit?: number) => timed("list", () => list(prefix, limit)) }
      : {}),
    tryAcquire: (key, req) => timed("acquire", () => store.tryAcquire(key, req)),
    renew: (key, id, epoch, ms) => timed("renew", () => store.renew(key, id, epoch, ms)),
    release: (key, id, epoch) => timed("release", () => store.release(key, id, epoch)),
    get: key => timed("get", () => store.get(key)),
    close: () => store.close(),
  };
}
