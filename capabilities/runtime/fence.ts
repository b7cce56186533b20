// The fence: one HighlanderFence object per tenant in the cluster the workloads run in, holding the
// fencing epoch the API server checks every Highlander write against (manifests/fence/). A leadership
// term advances it, by compare-and-swap on resourceVersion, before its first write, to a value above
// every epoch this cluster has seen, whatever the lock store says: a lock that moved, was reset or lost
// its state starts a new lock epoch series, but the fence simply continues its own.
import { createHash } from "node:crypto";
import { EPOCH_ANNOTATION } from "../../storage/guard";
import { tenantLabelValue } from "../workloads/controllers/common/labels";
import { isConflict, KubeApiError, type KubeClient, type KubeObject } from "./kube-client";

export const FENCE_API_VERSION = "highlander.plexobject.io/v1";
export const FENCE_KIND = "HighlanderFence";
/** The label the policy binding selects fences by. */
const FENCE_LABEL = "highlander.plexobject.io/fence";
/**
 * The label every Highlander write puts on the object it writes. The children's fence policy matches
 * only objects carrying it, so when the API server cannot resolve the policy's params yet (the seconds
 * after it starts) it refuses only our writes, not everybody's.
 */
export const FENCED_WRITE_LABEL = "highlander.plexobject.io/fenced";
/** The fence policies (children; our workloads), each with a binding of its name (manifests/fence/). */
export const FENCE_BINDINGS = ["highlander-fence", "highlander-fence-workloads"];
/** Every API server refusal by the fence policy starts with this (manifests/fence/fence-policy.yaml). */
export const FENCE_REFUSAL_PREFIX = "highlander fence:";

/** The API server refused a write because the fence policy found its stamp too old. */
export function isFenceRefusal(err: unknown): boolean {
  return (
    err instanceof KubeApiError && err.status === 403 && err.message.includes(FENCE_REFUSAL_PREFIX)
  );
}

interface FenceSpec {
  tenant: string;
  epoch: number;
  holder?: string;
  cluster?: string;
  lockEpoch?: number;
  advancedAt?: string;
}

export interface FenceObject extends KubeObject {
  spec: FenceSpec;
}

/** A leadership term as the lock store names it; the fence gives it an epoch of the cluster's own. */
export interface Term {
  holder: string;
  cluster: string;
  lockEpoch: number;
}

/** The fence's object name: the tenant when that is a valid name, else a cleaned name plus a hash. */
export function fenceName(tenant: string): string {
  const value = tenantLabelValue(tenant);
  if (/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)) return value;
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  const hash = createHash("sha256").update(value).digest("hex").slice(0, 8);
  return `${cleaned || "tenant"}-${hash}`;
}

/** Does the fence already belong to this term (an advance that was retried, or another keeper's)? */
export function fenceHeldBy(spec: FenceSpec | undefined, term: Term): boolean {
  return spec?.holder === term.holder && spec.lockEpoch === term.lockEpoch;
}

/**
 * Was the fence last advanced for the same holder (one process: identities are unique per process)?
 * Then no other term has acted since, whatever the lock epoch says: a holder that took its lock
 * again (a new lock epoch without losing it in between) continues under the same fence epoch.
 */
export function fenceNamesHolder(spec: FenceSpec | undefined, term: Term): boolean {
  return spec?.holder === term.holder && spec.cluster === term.cluster;
}

/**
 * The epoch a new term gets: above the fence (and above any stamp found when there is no fence yet),
 * and never below the lock's own epoch, so the two series agree whenever the lock kept its state.
 */
export function nextFenceEpoch(current: number, term: Term): number {
  return Math.max(current + 1, term.lockEpoch, 1);
}

/** The highest epoch stamp among objects (children's annotations, workloads' status.leader.epoch). */
export function highestStamp(objects: KubeObject[]): number {
  let max = 0;
  for (const obj of objects) {
    const annotation = Number(obj.metadata?.annotations?.[EPOCH_ANNOTATION]);
    if (Number.isSafeInteger(annotation)) max = Math.max(max, annotation);
    const status = (obj as { status?: { leader?: { epoch?: unknown } } }).status;
    const epoch = Number(status?.leader?.epoch);
    if (Number.isSafeInteger(epoch)) max = Math.max(max, epoch);
  }
  return max;
}

function fenceObject(tenant: string, spec: FenceSpec, resourceVersion?: string): FenceObject {
  return {
    apiVersion: FENCE_API_VERSION,
    kind: FENCE_KIND,
    metadata: {
      name: fenceName(tenant),
      labels: {
        [FENCE_LABEL]: "true",
        "app.kubernetes.io/managed-by": "highlander",
        "app.kubernetes.io/part-of": "highlander",
      },
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    spec,
  };
}

interface FenceOptions {
  client: KubeClient;
  tenant: string;
  /** Every object stamped for this tenant, for a fence created afresh (deleted, or first install). */
  stampedObjects: () => Promise<KubeObject[]>;
  now?: () => Date;
}

/** How many compare-and-swap rounds an advance tries before it reports the contention. */
const MAX_ROUNDS = 10;

export class Fence {
  /**
   * The fence as last read or written here. An advance starts from it instead of reading first (a
   * standby reads the fence when it sees a new term begin, so its takeover is one write): the write
   * is a compare-and-swap on its resourceVersion, so a stale copy only costs a conflict and a read.
   */
  #known: FenceObject | undefined;

  constructor(private readonly opts: FenceOptions) {}

  get name(): string {
    return fenceName(this.opts.tenant);
  }

  async read(): Promise<FenceObject | undefined> {
    this.#known = await this.opts.client.get<FenceObject>({
      apiVersion: FENCE_API_VERSION,
      kind: FENCE_KIND,
      name: this.name,
    });
    return this.#known;
  }

  /**
   * Advances the fence for `term` (or finds it already advanced for it) and returns the term's fence
   * epoch. Throws when the API server cannot be reached or keeps changing under us.
   */
  async advance(term: Term): Promise<number> {
    const tenant = tenantLabelValue(this.opts.tenant);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = round === 0 && this.#known ? this.#known : await this.read();
      if (current && fenceHeldBy(current.spec, term)) return current.spec.epoch;
      const floor = current ? current.spec.epoch : highestStamp(await this.opts.stampedObjects());
      const epoch = fenceNamesHolder(current?.spec, term)
        ? Math.max(floor, term.lockEpoch)
        : nextFenceEpoch(floor, term);
      const spec: FenceSpec = {
        tenant,
        epoch,
        holder: term.holder,
        cluster: term.cluster,
        lockEpoch: term.lockEpoch,
        advancedAt: (this.opts.now?.() ?? new Date()).toISOString(),
      };
      try {
        const rv = current?.metadata?.resourceVersion;
        this.#known = current
          ? await this.opts.client.replace(fenceObject(this.opts.tenant, spec, rv))
          : await this.opts.client.create(fenceObject(this.opts.tenant, spec));
        return spec.epoch;
      } catch (err) {
        // Someone else advanced (or created) it between our read and our write: read again.
        if (isConflict(err)) continue;
        throw err;
      }
    }
    throw new Error(`the fence ${this.name} kept changing: gave up after ${MAX_ROUNDS} rounds`);
  }
}

export interface FenceEnforcement {
  enforced: boolean | null;
  detail: string;
}

/** Whether the API server enforces the fence: are both policies' bindings installed? */
export async function fenceEnforcement(client: KubeClient): Promise<FenceEnforcement> {
  try {
    const missing: string[] = [];
    for (const name of FENCE_BINDINGS) {
      const binding = await client.get({
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicyBinding",
        name,
      });
      if (!binding) missing.push(name);
    }
    if (missing.length === 0)
      return {
        enforced: true,
        detail: `the API server refuses stale writes (ValidatingAdmissionPolicies ${FENCE_BINDINGS.join(", ")})`,
      };
    return {
      enforced: false,
      detail: `the fence policy is not installed (ValidatingAdmissionPolicyBinding ${missing.join(", ")} missing; it needs Kubernetes 1.30 or later): only this process checks epochs, so a delayed or stale write can still land; install manifests/fence/`,
    };
  } catch (err) {
    return {
      enforced: null,
      detail: `cannot tell whether the fence policy is installed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
