// The JSON shape of a lease, shared by the service (which writes it) and the client (which reads
// it back into a LockRecord). Times are ISO strings from the storage's own (server) clock.
import type { LockRecord } from "../storage/types";
import { shownHolder } from "./holder-secret";
import type { LeaseName } from "./lease-key";

export interface LeaseView {
  tenant: string;
  name: string;
  /** "" when released. */
  holder: string;
  clusterName: string;
  epoch: number;
  /** Has a holder and had not expired when the service answered (informational). */
  held: boolean;
  acquiredAt: string;
  renewedAt: string;
  expiresAt: string;
  metadata: Record<string, string>;
}

export function leaseView(lease: LeaseName, record: LockRecord, nowMs: number): LeaseView {
  return {
    tenant: lease.tenant,
    name: lease.name,
    // Never the stored form: it carries a mark of the holder's secret (holder-secret.ts).
    holder: shownHolder(record.holderId),
    clusterName: record.clusterName,
    epoch: record.epoch,
    held: record.holderId !== "" && record.expiresAt.getTime() > nowMs,
    acquiredAt: record.acquiredAt.toISOString(),
    renewedAt: record.renewedAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    metadata: record.metadata,
  };
}

/** The inverse of leaseView, for the HTTP client; throws on a shape it does not recognise. */
export function recordFromView(view: unknown): LockRecord {
  const v = view as Partial<LeaseView> | null;
  if (!v || typeof v.holder !== "string" || typeof v.epoch !== "number") {
    throw new Error(`unexpected lease record from the service: ${JSON.stringify(view)}`);
  }
  const date = (s: unknown, what: string) => {
    const d = new Date(String(s));
    if (Number.isNaN(d.getTime())) throw new Error(`bad ${what} from the service: ${String(s)}`);
    return d;
  };
  return {
    holderId: v.holder,
    clusterName: v.clusterName ?? "",
    epoch: v.epoch,
    acquiredAt: date(v.acquiredAt, "acquiredAt"),
    renewedAt: date(v.renewedAt, "renewedAt"),
    expiresAt: date(v.expiresAt, "expiresAt"),
    metadata: v.metadata ?? {},
  };
}
