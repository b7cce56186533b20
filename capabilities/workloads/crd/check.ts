// Are the installed CustomResourceDefinitions ours? The predecessor's file
// (k8-highlander config/highlander-crds.yaml) and the CRDs it rewrites from code at its start
// (pkg/common/crd_registry.go) have no status subresource and no printer columns: with them every
// status write fails with 404 and nothing ever shows Active/Healthy. A pure decision on the CRD
// object as the API server returns it; the operator reports the result at start and in /readyz.
import { GROUP, KINDS, VERSION, type WorkloadType } from "./kinds";

/** The parts of a CRD object the check reads (everything optional: it is whatever is installed). */
export interface InstalledCrd {
  metadata?: { name?: string };
  spec?: {
    group?: string;
    versions?: {
      name?: string;
      served?: boolean;
      storage?: boolean;
      subresources?: { status?: unknown };
      additionalPrinterColumns?: { name?: string }[];
      schema?: { openAPIV3Schema?: { properties?: Record<string, unknown> } };
    }[];
  };
}

/** The command that installs our CRDs over any others (server-side, taking over their fields). */
export const INSTALL_CRDS_COMMAND =
  "kubectl apply --server-side --force-conflicts -k manifests/crds";

export function crdName(type: WorkloadType): string {
  return `${KINDS[type].plural}.${GROUP}`;
}

/**
 * What is wrong with the installed CRD of one kind; [] when it is ours (or a later one of ours).
 * `undefined` means the CRD is not installed.
 */
export function crdProblems(crd: InstalledCrd | undefined): string[] {
  if (crd === undefined) return ["not installed"];
  if (crd.spec?.group !== GROUP) return [`group ${String(crd.spec?.group)}, not ${GROUP}`];
  const version = crd.spec.versions?.find(v => v.name === VERSION);
  if (!version) return [`no ${VERSION} version`];
  const problems: string[] = [];
  if (!version.served || !version.storage) problems.push(`${VERSION} is not served and stored`);
  if (version.subresources?.status === undefined)
    problems.push("no status subresource (every status write fails with 404)");
  const columns = new Set((version.additionalPrinterColumns ?? []).map(c => c.name));
  if (!columns.has("Active") || !columns.has("Healthy"))
    problems.push("no Active/Healthy printer columns");
  if (version.schema?.openAPIV3Schema?.properties?.status === undefined)
    problems.push("no status schema (status fields would be pruned)");
  return problems;
}

/** One message for every kind whose CRD is not ours: what, why, and the command that fixes it. */
export function crdProblemMessage(
  problems: ReadonlyArray<{ name: string; problems: string[] }>,
): string | undefined {
  const bad = problems.filter(p => p.problems.length > 0);
  if (bad.length === 0) return undefined;
  const what = bad.map(p => `${p.name} (${p.problems.join("; ")})`).join(", ");
  const predecessor = bad.some(p =>
    p.problems.some(problem => problem.startsWith("no status subresource")),
  );
  return (
    `CustomResourceDefinitions without Highlander's schema: ${what}. ` +
    (predecessor
      ? "These look like k8-highlander's (its config/highlander-crds.yaml, or rewritten by a running " +
        "k8-highlander at its start): stop k8-highlander first, then install ours: "
      : "Install ours: ") +
    `${INSTALL_CRDS_COMMAND} (or the CRDs in the release's pepr-module-highlander.yaml; ` +
    'docs/operations.md, "Migrating from k8-highlander").'
  );
}
