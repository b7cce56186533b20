// The `gcloud functions deploy` command for the lease service, from flags and environment: pure,
// so the required settings and the exact command line are unit-tested. deploy.ts runs it.

export interface DeploySettings {
  functionName: string;
  project: string;
  region: string;
  spannerProject: string;
  spannerInstance: string;
  spannerDatabase: string;
  /** Secret Manager secret holding the bearer token, "name" or "name:version". */
  tokenSecret: string;
  serviceAccount?: string;
  allowUnauthenticated: boolean;
  minInstances: number;
  maxInstances: number;
  memory: string;
  source: string;
}

export type DeployInput = Partial<Record<string, string>>;

/** The settings, or the list of what is missing (each with the flag and variable to set it). */
export function deploySettings(
  flags: DeployInput,
  env: NodeJS.ProcessEnv,
): { ok: true; settings: DeploySettings } | { ok: false; missing: string[] } {
  const pick = (flag: string, ...vars: string[]) =>
    flags[flag] ?? vars.map(v => env[v]).find(v => v !== undefined && v !== "");
  const project = pick("project", "HIGHLANDER_GCP_PROJECT", "CLOUDSDK_CORE_PROJECT");
  const region = pick("region", "HIGHLANDER_FUNCTION_REGION", "CLOUDSDK_FUNCTIONS_REGION");
  const tokenSecret = pick("token-secret", "HIGHLANDER_LEASE_TOKEN_SECRET");
  const missing: string[] = [];
  if (!project) missing.push("--project (or HIGHLANDER_GCP_PROJECT): the Google Cloud project");
  if (!region) missing.push("--region (or HIGHLANDER_FUNCTION_REGION): e.g. us-central1");
  if (!tokenSecret) {
    missing.push(
      "--token-secret (or HIGHLANDER_LEASE_TOKEN_SECRET): the Secret Manager secret with the bearer token",
    );
  }
  const int = (flag: string, fallback: number) => {
    const v = flags[flag];
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 0) missing.push(`--${flag} must be a whole number, got "${v}"`);
    return n;
  };
  const minInstances = int("min-instances", 0);
  const maxInstances = int("max-instances", 3);
  if (!project || !region || !tokenSecret || missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    settings: {
      functionName: flags.name ?? "highlander-leases",
      project,
      region,
      spannerProject: pick("spanner-project", "HIGHLANDER_SPANNER_PROJECT_ID") ?? project,
      spannerInstance:
        pick("spanner-instance", "HIGHLANDER_SPANNER_INSTANCE_ID") ?? "highlander-instance",
      spannerDatabase:
        pick("spanner-database", "HIGHLANDER_SPANNER_DATABASE_ID") ?? "highlander-db",
      tokenSecret,
      serviceAccount: pick("service-account", "HIGHLANDER_FUNCTION_SERVICE_ACCOUNT"),
      allowUnauthenticated: flags["allow-unauthenticated"] === "true",
      minInstances,
      maxInstances,
      memory: flags.memory ?? "256Mi",
      source: flags.source ?? "dist/functions",
    },
  };
}

export function gcloudDeployArgs(s: DeploySettings): string[] {
  const secret = s.tokenSecret.includes(":") ? s.tokenSecret : `${s.tokenSecret}:latest`;
  return [
    "functions",
    "deploy",
    s.functionName,
    "--gen2",
    "--runtime=nodejs20",
    "--entry-point=leases",
    "--trigger-http",
    `--project=${s.project}`,
    `--region=${s.region}`,
    `--source=${s.source}`,
    `--set-env-vars=NODE_ENV=production,HIGHLANDER_SPANNER_PROJECT_ID=${s.spannerProject},` +
      `HIGHLANDER_SPANNER_INSTANCE_ID=${s.spannerInstance},HIGHLANDER_SPANNER_DATABASE_ID=${s.spannerDatabase}`,
    `--set-secrets=HIGHLANDER_LEASE_TOKEN=${secret}`,
    s.allowUnauthenticated ? "--allow-unauthenticated" : "--no-allow-unauthenticated",
    `--memory=${s.memory}`,
    "--timeout=30s",
    `--min-instances=${s.minInstances}`,
    `--max-instances=${s.maxInstances}`,
    ...(s.serviceAccount ? [`--service-account=${s.serviceAccount}`] : []),
  ];
}

/** A shell-safe rendering of the command, for printing. */
export function shellQuote(args: string[]): string {
  return args
    .map(a => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}
