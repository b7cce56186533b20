// controller-runtime's REST client series: every request the operator sends to the API server, by
// HTTP verb and status code ("<error>" when no response came back: refused, reset, timed out).
import { register, type Counter, type Histogram, type Registry } from "prom-client";
import { METRIC_PREFIX, defineCounter, defineHistogram } from "./define";

interface ClientMetrics {
  requests: Counter<"verb" | "code">;
  latency: Histogram<"verb">;
}

export function clientMetrics(registry: Registry = register): ClientMetrics {
  return {
    requests: defineCounter(
      {
        name: `${METRIC_PREFIX}rest_client_requests_total`,
        help: "Requests sent to the Kubernetes API server, by HTTP verb and status code",
        labelNames: ["verb", "code"],
      },
      registry,
    ),
    latency: defineHistogram(
      {
        name: `${METRIC_PREFIX}rest_client_request_duration_seconds`,
        help: "Time from sending a request to the API server until its response ended, by HTTP verb",
        labelNames: ["verb"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      },
      registry,
    ),
  };
}

/** code: the HTTP status, or undefined when the request failed without a response. */
export function observeApiRequest(
  verb: string,
  code: number | undefined,
  seconds: number,
  registry?: Registry,
): void {
  const m = clientMetrics(registry);
  m.requests.inc({ verb, code: code === undefined ? "<error>" : String(code) });
  m.latency.observe({ verb }, seconds);
}
