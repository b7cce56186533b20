// Sample specs for tests: the predecessor's README sample verbatim, and one spec per kind that sets
// every field (`Required<...>` makes the compiler insist on all of them), so the unit tests can check
// that the CRD schema and the TypeScript types list the same fields and the e2e test can prove the API
// server accepts a fully loaded object.
import type {
  CommonSpec,
  WorkloadCronJobSpec,
  WorkloadPersistentSpec,
  WorkloadProcessSpec,
  WorkloadServiceSpec,
} from "./types";

/** The WorkloadCronJob from the predecessor's README, exactly as documented there. */
export const PREDECESSOR_SAMPLE_CRONJOB_YAML = `apiVersion: highlander.plexobject.io/v1
kind: WorkloadCronJob
metadata:
  name: sample-cronjob
  namespace: default
spec:
  image: "busybox:latest"
  script:
    commands:
      - "echo 'Running CRD-defined cron job at $(date)'"
      - "echo 'Hostname: $(hostname)'"
      - "sleep 15"
    shell: "/bin/sh"
  schedule: "*/5 * * * *"
  env:
    TEST_ENV: "crd-value"
    CRD_DEFINED: "true"
  resources:
    cpuRequest: "50m"
    memoryRequest: "32Mi"
    cpuLimit: "100m"
    memoryLimit: "64Mi"
  restartPolicy: "OnFailure"
`;

/** Every common field, with script/command omitted (they exclude each other; see the kinds below). */
function fullCommon(): Omit<Required<CommonSpec>, "script" | "command" | "args"> {
  return {
    image: "busybox:1.36",
    imagePullPolicy: "IfNotPresent",
    env: { B_VAR: "b", A_VAR: "a" },
    extraEnv: [
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "LITERAL", value: "x" },
    ],
    envFrom: [
      { configMapRef: { name: "app-config" } },
      { prefix: "S_", secretRef: { name: "app-secret", optional: true } },
    ],
    resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "100m", memoryLimit: "64Mi" },
    imagePullSecrets: [{ name: "regcred" }],
    serviceAccountName: "worker",
    priorityClassName: "high",
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] },
          ],
        },
      },
    },
    podSecurityContext: { runAsNonRoot: true, runAsUser: 1000 },
    securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    readinessProbe: { exec: { command: ["true"] }, periodSeconds: 5 },
    livenessProbe: { exec: { command: ["true"] }, periodSeconds: 10 },
    startupProbe: { exec: { command: ["true"] }, failureThreshold: 30 },
    podLabels: { team: "data" },
    predecessorNames: false,
    podAnnotations: { "example.com/note": "hi" },
    terminationGracePeriodSeconds: 20,
    sidecars: [
      {
        name: "log-shipper",
        image: "busybox:1.36",
        command: ["sh", "-c"],
        args: ["tail -F /var/log/app/out.log"],
        env: { SHIP_TO: "loki" },
        resources: { cpuRequest: "10m", memoryRequest: "16Mi" },
        volumeMounts: [{ name: "scratch", mountPath: "/var/log/app", readOnly: true }],
        securityContext: { runAsUser: 1001 },
      },
    ],
    configMaps: ["app-config"],
    secrets: ["app-secret"],
    volumes: [{ name: "scratch", emptyDir: {} }],
    volumeMounts: [{ name: "scratch", mountPath: "/var/log/app" }],
  };
}

export function fullProcessSpec(): Required<
  Omit<WorkloadProcessSpec, "command" | "args" | "terminationGracePeriodSeconds">
> {
  const { terminationGracePeriodSeconds: _unused, ...common } = fullCommon();
  return {
    ...common,
    script: { commands: ["echo start", "sleep 3600"], shell: "/bin/sh" },
    restartPolicy: "OnFailure",
    maxRestarts: 3,
    gracePeriod: "1m30s",
  };
}

export function fullCronSpec(): Required<Omit<WorkloadCronJobSpec, "script">> {
  return {
    ...fullCommon(),
    command: ["/bin/echo"],
    args: ["tick"],
    schedule: "*/5 * * * *",
    timeZone: "Europe/Berlin",
    concurrencyPolicy: "Replace",
    suspend: false,
    startingDeadlineSeconds: 120,
    successfulJobsHistoryLimit: 2,
    failedJobsHistoryLimit: 2,
    backoffLimit: 2,
    activeDeadlineSeconds: 600,
    restartPolicy: "Never",
  };
}

export function fullServiceSpec(): Required<Omit<WorkloadServiceSpec, "script">> {
  return {
    ...fullCommon(),
    command: ["/bin/httpd"],
    args: ["-f", "-p", "8080"],
    replicas: 1,
    ports: [
      { name: "http", containerPort: 8080, servicePort: 80 },
      { containerPort: 9090, protocol: "TCP" },
    ],
    healthCheckPath: "/healthz",
    healthCheckPort: 8080,
    readinessTimeout: "2m",
    strategy: "Recreate",
  };
}

export function fullPersistentSpec(): Required<Omit<WorkloadPersistentSpec, "script">> {
  return {
    ...fullCommon(),
    command: ["/bin/db"],
    args: ["--data", "/data"],
    replicas: 1,
    ports: [{ name: "db", containerPort: 5432 }],
    healthCheckPath: "/ready",
    healthCheckPort: 8081,
    readinessTimeout: "5m",
    serviceName: "db-headless",
    persistentVolumes: [
      {
        name: "data",
        mountPath: "/data",
        size: "1Gi",
        storageClassName: "standard",
        accessModes: ["ReadWriteOnce"],
      },
    ],
  };
}
