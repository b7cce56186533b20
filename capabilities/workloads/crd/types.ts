// TypeScript shapes of the four custom resources, hand-written (see README.md for why not generated).
// They cannot drift from the schemas: each kind's schema is typed SchemaFor<its spec fields>
// (schema/json-schema.ts), so a field in one and not the other, or of another JSON type, does not
// compile; the full samples (samples.ts, typed Required<…>) then prove the API server accepts them.
import type {
  V1Affinity,
  V1EnvVarSource,
  V1PodSecurityContext,
  V1Probe,
  V1SecurityContext,
  V1Volume,
} from "@kubernetes/client-node";

export type RestartPolicy = "Always" | "OnFailure" | "Never";
type PullPolicy = "Always" | "IfNotPresent" | "Never";

interface ScriptSpec {
  commands: string[];
  /** Default /bin/sh (the API server fills it in). */
  shell?: string;
  /**
   * Stop at the first failing command (`set -e` before the commands), as the predecessor's scripts
   * did. Absent means true; false runs every command whatever the earlier ones returned.
   */
  errexit?: boolean;
}

export interface ResourcesSpec {
  cpuRequest?: string;
  memoryRequest?: string;
  cpuLimit?: string;
  memoryLimit?: string;
}

export interface EnvVarSpec {
  name: string;
  value?: string;
  valueFrom?: V1EnvVarSource;
}

export interface EnvFromSpec {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface VolumeMountSpec {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

interface TolerationSpec {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  tolerationSeconds?: number;
}

export interface SidecarSpec {
  name: string;
  image: string;
  imagePullPolicy?: PullPolicy;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  extraEnv?: EnvVarSpec[];
  resources?: ResourcesSpec;
  volumeMounts?: VolumeMountSpec[];
  securityContext?: V1SecurityContext;
}

/** Fields every kind accepts. */
export interface CommonSpec {
  image: string;
  imagePullPolicy?: PullPolicy;
  script?: ScriptSpec;
  command?: string[];
  args?: string[];
  /** The predecessor's map form: name → value. */
  env?: Record<string, string>;
  /** Core EnvVar entries (value or valueFrom); names must not repeat `env` keys. */
  extraEnv?: EnvVarSpec[];
  envFrom?: EnvFromSpec[];
  resources?: ResourcesSpec;
  imagePullSecrets?: { name: string }[];
  serviceAccountName?: string;
  priorityClassName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: TolerationSpec[];
  affinity?: V1Affinity;
  podSecurityContext?: V1PodSecurityContext;
  securityContext?: V1SecurityContext;
  readinessProbe?: V1Probe;
  livenessProbe?: V1Probe;
  startupProbe?: V1Probe;
  podLabels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  /**
   * The predecessor's names: a WorkloadProcess's pod is `<name>-pod`, and pods also carry
   * `app=<name>` and `managed-by=k8-highlander` (never used in our selectors). Fixed at creation.
   * Default false; config-file workloads default to true (they come from the predecessor's files).
   */
  predecessorNames?: boolean;
  terminationGracePeriodSeconds?: number;
  sidecars?: SidecarSpec[];
  /** ConfigMap names, each mounted read-only at /etc/config/NAME. */
  configMaps?: string[];
  /** Secret names, each mounted read-only at /etc/secrets/NAME. */
  secrets?: string[];
  volumes?: V1Volume[];
  volumeMounts?: VolumeMountSpec[];
}

export interface WorkloadProcessSpec extends CommonSpec {
  restartPolicy?: RestartPolicy;
  maxRestarts?: number;
  gracePeriod?: string;
}

export type ConcurrencyPolicy = "Allow" | "Forbid" | "Replace";

export interface WorkloadCronJobSpec extends CommonSpec {
  schedule: string;
  timeZone?: string;
  concurrencyPolicy?: ConcurrencyPolicy;
  suspend?: boolean;
  startingDeadlineSeconds?: number;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  restartPolicy?: RestartPolicy;
}

export interface PortSpec {
  name?: string;
  containerPort: number;
  servicePort?: number;
  protocol?: "TCP" | "UDP" | "SCTP";
}

export interface ReplicatedSpec extends CommonSpec {
  replicas: number;
  ports?: PortSpec[];
  healthCheckPath?: string;
  healthCheckPort?: number;
  readinessTimeout?: string;
}

export interface WorkloadServiceSpec extends ReplicatedSpec {
  strategy?: "Recreate" | "RollingUpdate";
}

interface PersistentVolumeSpec {
  name: string;
  mountPath: string;
  size: string;
  storageClassName?: string;
  accessModes?: ("ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod")[];
}

export interface WorkloadPersistentSpec extends ReplicatedSpec {
  serviceName?: string;
  persistentVolumes?: PersistentVolumeSpec[];
}

/** metav1.Condition. */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface LeaderRef {
  id: string;
  cluster: string;
  epoch: number;
}

export interface ActiveJobRef {
  name: string;
  scheduledTime?: string;
}

/** One status shape for all kinds; the per-kind fields are set only by their kind. */
export interface WorkloadStatus {
  observedGeneration?: number;
  active?: boolean;
  healthy?: boolean;
  message?: string;
  leader?: LeaderRef;
  conditions?: Condition[];
  // process
  podName?: string;
  phase?: string;
  restartCount?: number;
  lastRestartTime?: string;
  // service, persistent
  replicas?: number;
  readyReplicas?: number;
  // cronjob
  lastScheduleTime?: string;
  nextScheduleTime?: string;
  lastSuccessfulTime?: string;
  lastFailedTime?: string;
  activeJobs?: ActiveJobRef[];
}

/** The parts of a custom resource the pure builders read (works for fluent-client objects too). */
export interface WorkloadObject<S> {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: S;
  status?: WorkloadStatus;
}
