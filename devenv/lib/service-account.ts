// A kubeconfig that authenticates AS a ServiceAccount (a bound token from the TokenRequest API, which
// the local control plane's kube-apiserver signs with its service-account key). Used to check RBAC with
// real requests, and to run the operator under the identity it has when deployed:
//   KUBECONFIG=$(serviceAccountKubeconfig(admin, "highlander-system", "highlander", file)) npm start
import { writeFileSync } from "node:fs";
import { run } from "./processes";

export function serviceAccountKubeconfig(
  adminKubeconfig: string,
  namespace: string,
  name: string,
  outFile: string,
  duration = "1h",
): string {
  const k = (args: string[]): string =>
    run("kubectl", ["--kubeconfig", adminKubeconfig, ...args]).trim();
  const token = k(["create", "token", name, "-n", namespace, `--duration=${duration}`]);
  const server = k([
    "config",
    "view",
    "--minify",
    "--raw",
    "-o",
    "jsonpath={.clusters[0].cluster.server}",
  ]);
  const ca = k([
    "config", "view", "--minify", "--raw", "-o",
    "jsonpath={.clusters[0].cluster.certificate-authority-data}",
  ]); // prettier-ignore
  const user = `system:serviceaccount:${namespace}:${name}`;
  writeFileSync(
    outFile,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: cluster",
      "  cluster:",
      `    server: ${server}`,
      `    certificate-authority-data: ${ca}`,
      "users:",
      `- name: ${user}`,
      "  user:",
      `    token: ${token}`,
      "contexts:",
      "- name: sa",
      "  context:",
      "    cluster: cluster",
      `    user: ${user}`,
      `    namespace: ${namespace}`,
      "current-context: sa",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return outFile;
}
