// A WorkloadPersistent's own spec fields and rules (beyond the replicated ones it shares with
// WorkloadService).
import {
  DNS1035_LABEL_PATTERN,
  DNS_LABEL_PATTERN,
  quantity,
  str,
} from "../../crd/schema/common-fields";
import { CONFIG_MOUNT_ROOT, SECRET_MOUNT_ROOT } from "../../controllers/common/volumes";
import type { CelRule, SchemaFor } from "../../crd/schema/json-schema";
import type { ReplicatedSpec, WorkloadPersistentSpec } from "../../crd/types";

export function persistentSpecProperties(): SchemaFor<
  Omit<WorkloadPersistentSpec, keyof ReplicatedSpec>
> {
  return {
    serviceName: str("The StatefulSet's headless Service (default: the workload name).", {
      pattern: DNS1035_LABEL_PATTERN,
      maxLength: 63,
    }),
    persistentVolumes: {
      type: "array",
      description: "One PersistentVolumeClaim template per entry, mounted at mountPath.",
      maxItems: 16,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: {
        type: "object",
        required: ["name", "mountPath", "size"],
        properties: {
          name: str("Claim template name.", { pattern: DNS_LABEL_PATTERN, maxLength: 63 }),
          mountPath: str("Absolute path inside the main container.", {
            pattern: "^/",
            maxLength: 1024,
          }),
          size: quantity("persistentVolumes[].size", "Requested storage, e.g. 1Gi.", {
            positive: true,
          }),
          storageClassName: str("Storage class (default: the cluster's default class).", {
            maxLength: 253,
          }),
          accessModes: {
            type: "array",
            description: "Access modes (default [ReadWriteOnce]).",
            maxItems: 4,
            items: {
              type: "string",
              enum: ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"],
            },
          },
        },
      },
      "x-kubernetes-validations": [
        {
          rule: "self.all(v, self.exists_one(w, w.mountPath == v.mountPath))",
          message: "persistentVolumes: each mountPath may appear only once",
        },
      ],
    },
  };
}

/** Rules across a persistent set's claim mounts and the main container's other mounts. */
export function persistentSpecRules(): CelRule[] {
  return [
    {
      rule:
        "!has(self.persistentVolumes) || self.persistentVolumes.all(v, " +
        "!(has(self.volumeMounts) && self.volumeMounts.exists(m, m.mountPath == v.mountPath)) && " +
        `!(has(self.configMaps) && self.configMaps.exists(c, v.mountPath == '${CONFIG_MOUNT_ROOT}/' + c)) && ` +
        `!(has(self.secrets) && self.secrets.exists(s, v.mountPath == '${SECRET_MOUNT_ROOT}/' + s)))`,
      message:
        "persistentVolumes[].mountPath must differ from every volumeMounts[].mountPath and from the " +
        `configMaps (${CONFIG_MOUNT_ROOT}/NAME) and secrets (${SECRET_MOUNT_ROOT}/NAME) mounts`,
    },
  ];
}
