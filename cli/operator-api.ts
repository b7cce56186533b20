// A small client for an operator's JSON API (`{status, data, error}` envelopes), for `leader` and
// `step-down`. A token (--token, else HIGHLANDER_API_TOKEN) goes in `Authorization: Bearer <token>`,
// the header the operator's API checks when it is configured with one.

interface Envelope<T> {
  status: "success" | "error";
  data?: T;
  error?: string;
}

/** What GET /api/leader returns. */
export interface LeaderView {
  tenant?: string;
  leader?: { id?: string; cluster?: string; epoch?: number; expiresAt?: string } | null;
  self?: { id?: string; role?: string; epoch?: number | null };
  isLeader?: boolean;
}

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export class OperatorApi {
  constructor(
    private readonly token: string | undefined,
    private readonly fetchFn: Fetch = (url, init) => fetch(url, init),
  ) {}

  async call<T>(base: string, path: string, method = "GET"): Promise<T> {
    const url = `${base.replace(/\/$/, "")}${path}`;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await this.fetchFn(url, { method, headers }).catch((err: unknown) => {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is its cause.
      const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
      throw new Error(`cannot reach ${url}: ${cause?.code ?? (err as Error).message}`);
    });
    const body = (await res.json().catch(() => undefined)) as Envelope<T> | undefined;
    if (!res.ok || body?.status !== "success") {
      throw new Error(`${method} ${url}: ${res.status} ${body?.error ?? res.statusText}`);
    }
    return body.data as T;
  }
}
