// A LockStore that talks to the lease service over HTTP, so `highlander run` is just storage's
// LeaderElector over this store plus child-process management. Keys are lease keys
// (`highlander-lease:<tenant>/<name>`, see lease-key.ts). Answers map back onto the contract:
// 409/404 are "not yours" (undefined/false), anything else unexpected throws ("could not tell").
// The holder secret each acquire returns is kept per lease key and sent with renew, release and
// re-acquire; it never leaves this process otherwise.
import type {
  AcquireRequest,
  AcquireResult,
  KeyedLockRecord,
  LockRecord,
  LockStore,
} from "../storage/types";
import { leaseFromKey, leaseKeyFor, type LeaseName } from "./lease-key";
import { recordFromView, type LeaseView } from "./view";

export interface HttpLockStoreConfig {
  /** Base URL of the service, e.g. https://highlander-leases-abc123-ew.a.run.app */
  serviceUrl: string;
  token: string;
  /** Per-request timeout (the elector bounds calls by its deadline too). Default 5 s. */
  timeoutMs?: number;
  /** Extra headers, e.g. X-Serverless-Authorization for an IAM-protected deployment. */
  headers?: Record<string, string>;
}

/** The service answered with a status the contract has no meaning for (401, 400, 5xx…). */
export class LeaseServiceError extends Error {
  override readonly name = "LeaseServiceError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
  /** Retrying cannot help: the request or its credentials are wrong. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export class HttpLockStore implements LockStore {
  readonly backend = "http" as const;
  private readonly base: string;
  /** Lease key → "<holderId>\n<secret>" of this process's current acquisition. */
  private readonly secrets = new Map<string, string>();

  private secretFor(key: string, holderId: string): string | undefined {
    const entry = this.secrets.get(key);
    if (entry === undefined) return undefined;
    const cut = entry.indexOf("\n");
    return entry.slice(0, cut) === holderId ? entry.slice(cut + 1) : undefined;
  }

  constructor(private readonly config: HttpLockStoreConfig) {
    this.base = config.serviceUrl.replace(/\/+$/, "");
  }

  private lease(key: string): LeaseName {
    const lease = leaseFromKey(key);
    if (!lease) throw new Error(`"${key}" is not a lease key (highlander-lease:<tenant>/<name>)`);
    return lease;
  }

  private path(lease: LeaseName, action?: string): string {
    const base = `/v1/leases/${encodeURIComponent(lease.tenant)}/${encodeURIComponent(lease.name)}`;
    return action ? `${base}:${action}` : base;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...this.config.headers,
        authorization: `Bearer ${this.config.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 5000),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const obj =
      parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    return { status: res.status, body: obj };
  }

  private fail(what: string, answer: Answer): never {
    const detail = typeof answer.body.error === "string" ? answer.body.error : "no details";
    throw new LeaseServiceError(
      `lease service ${what}: HTTP ${answer.status}: ${detail}`,
      answer.status,
    );
  }

  async tryAcquire(key: string, req: AcquireRequest): Promise<AcquireResult> {
    const answer = await this.call("POST", this.path(this.lease(key), "acquire"), {
      holderId: req.holderId,
      clusterName: req.clusterName,
      leaseDurationMs: Math.ceil(req.leaseDurationMs),
      metadata: req.metadata ?? {},
      holderSecret: this.secretFor(key, req.holderId),
    });
    if (answer.status === 200) {
      const secret = answer.body.holderSecret;
      if (typeof secret === "string") this.secrets.set(key, `${req.holderId}\n${secret}`);
      return { acquired: true, record: recordFromView(answer.body.lease) };
    }
    if (answer.status === 409) {
      const lease = answer.body.lease;
      return { acquired: false, current: lease ? recordFromView(lease) : undefined };
    }
    return this.fail("acquire", answer);
  }

  async renew(
    key: string,
    holderId: string,
    epoch: number,
    leaseDurationMs: number,
  ): Promise<LockRecord | undefined> {
    const answer = await this.call("POST", this.path(this.lease(key), "renew"), {
      holderId,
      holderSecret: this.secretFor(key, holderId),
      epoch,
      leaseDurationMs: Math.ceil(leaseDurationMs),
    });
    if (answer.status === 200) return recordFromView(answer.body.lease);
    if (answer.status === 409 || answer.status === 404) return undefined;
    return this.fail("renew", answer);
  }

  async release(key: string, holderId: string, epoch: number): Promise<boolean> {
    const answer = await this.call("POST", this.path(this.lease(key), "release"), {
      holderId,
      holderSecret: this.secretFor(key, holderId),
      epoch,
    });
    if (answer.status === 200) {
      this.secrets.delete(key);
      return true;
    }
    if (answer.status === 409 || answer.status === 404) return false;
    return this.fail("release", answer);
  }

  async get(key: string): Promise<LockRecord | undefined> {
    const answer = await this.call("GET", this.path(this.lease(key)));
    if (answer.status === 200) return recordFromView(answer.body);
    if (answer.status === 404) return undefined;
    return this.fail("get", answer);
  }

  async list(prefix: string): Promise<KeyedLockRecord[]> {
    const answer = await this.call("GET", "/v1/leases");
    if (answer.status !== 200) return this.fail("list", answer);
    const views = Array.isArray(answer.body.leases) ? (answer.body.leases as LeaseView[]) : [];
    return views
      .map(view => ({ key: leaseKeyFor(view), record: recordFromView(view) }))
      .filter(row => row.key.startsWith(prefix));
  }

  async close(): Promise<void> {}
}
