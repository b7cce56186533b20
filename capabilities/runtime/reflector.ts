// List-then-watch of one collection, as client-go's reflector does it: the list comes in pages (so a
// list of 10,000 pods never sits in memory as one JSON text), the watch resumes from the last
// resourceVersion it saw when the server ends it (no relist), and only a 410 Gone or a lost watch
// lists again. A relist tells apart what was added, changed and removed since; unchanged objects cause
// no event. kubernetes-fluent-client's Watch, used before, listed everything in one response at start,
// on every reconnect and every 10 minutes.
import { createInterface } from "node:readline";
import { KubeApiError, type ApiStream, type KubeObject } from "./kube-client";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface ReflectorHandlers {
  /** A complete list (first, or after the watch could not resume), before its events are sent. */
  onListed: (items: KubeObject[], resourceVersion: string) => void;
  onEvent: (obj: KubeObject, type: WatchEventType) => void;
  /** The watch is receiving events again after `failures` failed attempts in a row (0: a resume). */
  onConnected: (failures: number) => void;
  /** An attempt failed; `failures` counts them in a row, and the next attempt is in `retryInMs`. */
  onFailure: (err: unknown, failures: number, retryInMs: number) => void;
}

/** The API server calls this reflector's list and watch through these (KubeClient in production). */
export interface ReflectorSource {
  request<T>(method: string, path: string): Promise<T>;
  stream(path: string, idleMs: number): Promise<ApiStream>;
}

export interface ReflectorOptions {
  /** The collection's path with no query, e.g. /api/v1/namespaces/a/pods. */
  path: string;
  labelSelector?: string;
  apiVersion: string;
  kind: string;
  /** Objects per list page. */
  pageSize?: number;
  /** After this many failures in a row the next success lists again (what was delivered may be stale). */
  failuresBeforeRelist?: number;
  /** The server ends each watch after this many seconds times a random 1–2 (client-go: 5 min). */
  watchTimeoutSeconds?: number;
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface ListPage {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

interface WatchLine {
  type?: string;
  object?: KubeObject & { code?: number; message?: string; reason?: string };
}

const PAGE_SIZE = 500;
/** client-go's minimum watch timeout, 5 min, times a random 1–2 so replicas do not re-watch together. */
const WATCH_TIMEOUT_S = 300;
/** No byte for this long (not even a bookmark, sent about once a minute): the connection is dead. */
const IDLE_MS = 150_000;
const MAX_BACKOFF_MS = 30_000;

export class Reflector {
  readonly #opts: Required<Omit<ReflectorOptions, "labelSelector">> &
    Pick<ReflectorOptions, "labelSelector">;
  /** What was delivered, by uid: a relist compares against it. */
  readonly #known = new Map<string, KubeObject>();
  #resourceVersion?: string;
  #stream?: ApiStream;
  #stopped = false;

  constructor(
    private readonly source: ReflectorSource,
    private readonly handlers: ReflectorHandlers,
    opts: ReflectorOptions,
  ) {
    this.#opts = {
      pageSize: PAGE_SIZE,
      watchTimeoutSeconds: WATCH_TIMEOUT_S,
      failuresBeforeRelist: 5,
      sleep: ms => new Promise(resolve => setTimeout(resolve, ms).unref()),
      random: Math.random,
      ...opts,
    };
  }

  /** Runs until stop(); never rejects. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        if (this.#resourceVersion === undefined) await this.#list();
        if (this.#stopped) return;
        await this.#watch(() => this.handlers.onConnected(failures));
        failures = 0;
      } catch (err) {
        if (this.#stopped) return;
        // 410 Gone, as the list's answer or as the watch's ERROR event: the resourceVersion (or the
        // continue token) fell out of the server's history.
        if (err instanceof KubeApiError && err.status === 410) {
          // Not a failure: the history moved on while we were away.
          this.#resourceVersion = undefined;
          continue;
        }
        failures++;
        if (failures >= this.#opts.failuresBeforeRelist) this.#resourceVersion = undefined;
        const retryInMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
        this.handlers.onFailure(err, failures, retryInMs);
        await this.#opts.sleep(retryInMs * (0.8 + 0.4 * this.#opts.random()));
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#stream?.close();
  }

  async #list(): Promise<void> {
    const items: KubeObject[] = [];
    let token: string | undefined;
    let resourceVersion = "";
    do {
      const query: Record<string, string> = { limit: String(this.#opts.pageSize) };
      if (this.#opts.labelSelector) query.labelSelector = this.#opts.labelSelector;
      if (token) query.continue = token;
      const page = await this.source.request<ListPage>("GET", this.#url(query));
      if (this.#stopped) return;
      for (const item of page.items ?? []) items.push(this.#typed(item));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      token = page.metadata?.continue || undefined;
    } while (token);
    this.handlers.onListed(items, resourceVersion);
    const gone = new Map(this.#known);
    for (const item of items) {
      const uid = item.metadata?.uid ?? "";
      const before = gone.get(uid);
      gone.delete(uid);
      this.#known.set(uid, item);
      if (!before) this.handlers.onEvent(item, "ADDED");
      else if (before.metadata?.resourceVersion !== item.metadata?.resourceVersion)
        this.handlers.onEvent(item, "MODIFIED");
    }
    for (const [uid, obj] of gone) {
      this.#known.delete(uid);
      this.handlers.onEvent(obj, "DELETED");
    }
    this.#resourceVersion = resourceVersion;
  }

  async #watch(onConnected: () => void): Promise<void> {
    const timeout = Math.floor(this.#opts.watchTimeoutSeconds * (1 + this.#opts.random()));
    const query: Record<string, string> = {
      watch: "true",
      allowWatchBookmarks: "true",
      timeoutSeconds: String(timeout),
      resourceVersion: this.#resourceVersion ?? "",
    };
    if (this.#opts.labelSelector) query.labelSelector = this.#opts.labelSelector;
    const stream = await this.source.stream(this.#url(query), IDLE_MS);
    this.#stream = stream;
    if (this.#stopped) return stream.close();
    onConnected();
    const started = Date.now();
    let events = 0;
    try {
      const lines = createInterface({ input: stream.body, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === "") continue;
        this.#handle(JSON.parse(line) as WatchLine);
        events++;
      }
    } catch (err) {
      // A connection that closed or went idle ends the watch like the server's own end: watch again.
      if (err instanceof KubeApiError || err instanceof SyntaxError) throw err;
    } finally {
      stream.close();
      this.#stream = undefined;
    }
    // One asked to run for minutes that ends at once, empty, is a failure (and backs off), not a loop.
    if (!this.#stopped && events === 0 && Date.now() - started < 1000) {
      throw new Error(`watch ${this.#opts.path} ended as soon as it started`);
    }
  }

  #handle({ type, object }: WatchLine): void {
    if (!object) return;
    if (type === "ERROR") {
      throw new KubeApiError(
        object.code ?? 500,
        object.reason ?? "Unknown",
        `watch ${this.#opts.path}: ${object.message ?? "error"}`,
      );
    }
    const version = object.metadata?.resourceVersion;
    if (version) this.#resourceVersion = version;
    if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED") return; // BOOKMARK
    const obj = this.#typed(object);
    const uid = obj.metadata?.uid ?? "";
    if (type === "DELETED") this.#known.delete(uid);
    else this.#known.set(uid, obj);
    this.handlers.onEvent(obj, type);
  }

  /** A list's items, and a watch's objects on some servers, carry no kind: every one handed on does. */
  #typed(obj: KubeObject): KubeObject {
    obj.apiVersion = this.#opts.apiVersion;
    obj.kind = this.#opts.kind;
    return obj;
  }

  #url(query: Record<string, string>): string {
    return `${this.#opts.path}?${new URLSearchParams(query).toString()}`;
  }
}
