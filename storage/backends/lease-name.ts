// Lock keys ("highlander-leader-lock:<tenant>") are not valid Kubernetes object names; this maps
// them to one, adding a short hash whenever characters had to be changed beyond the colon, so two
// different tenants can never share a Lease.
import { createHash } from "node:crypto";

const MAX_NAME = 253;

export function leaseNameFor(key: string): string {
  const plain = key.replace(":", "-");
  let name = plain
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  if (name !== plain) {
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 8);
    name = `${name.slice(0, MAX_NAME - 9)}-${hash}`;
  }
  return name.slice(0, MAX_NAME);
}
