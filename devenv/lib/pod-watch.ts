// Watches the pods matching a label selector through the API server's watch stream and remembers the
// most pods that existed at the same moment — the "never two at once" check of singleton tests.
import { K8s, kind } from "kubernetes-fluent-client";

export interface PodWatch {
  /** Most pods that existed at once since the watch started. */
  maxAtOnce(): number;
  current(): string[];
  close(): void;
}

export async function watchPods(
  kubeconfig: string,
  namespace: string,
  labels: Record<string, string>,
): Promise<PodWatch> {
  process.env.KUBECONFIG = kubeconfig;
  const live = new Set<string>();
  let max = 0;
  const watcher = K8s(kind.Pod, { namespace, labels }).Watch((pod, phase) => {
    const name = pod.metadata?.name ?? "";
    if (phase === "DELETED") live.delete(name);
    else live.add(name);
    max = Math.max(max, live.size);
  });
  await watcher.start();
  return {
    maxAtOnce: () => max,
    current: () => [...live],
    close: () => watcher.close(),
  };
}
