// HTTP readiness and liveness probes from the predecessor's healthCheckPath/healthCheckPort; explicit
// readinessProbe/livenessProbe in the spec override them.
import type { V1Probe } from "@kubernetes/client-node";
import type { ReplicatedSpec } from "../../crd/types";

/** The health-check port: healthCheckPort, else the first container port. */
function healthCheckPort(spec: ReplicatedSpec): number | undefined {
  return spec.healthCheckPort ?? spec.ports?.[0]?.containerPort;
}

export function buildProbes(spec: ReplicatedSpec): { readiness?: V1Probe; liveness?: V1Probe } {
  const port = healthCheckPort(spec);
  const derived =
    spec.healthCheckPath !== undefined && port !== undefined
      ? { path: spec.healthCheckPath, port }
      : undefined;
  return {
    readiness:
      spec.readinessProbe ??
      (derived && {
        httpGet: derived,
        periodSeconds: 5,
        timeoutSeconds: 2,
        failureThreshold: 3,
      }),
    liveness:
      spec.livenessProbe ??
      (derived && {
        httpGet: derived,
        // A slow start must not look dead: give the app time before liveness counts failures.
        initialDelaySeconds: 15,
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
      }),
  };
}
