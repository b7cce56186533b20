// Command-line options of `npm run chaos`, validated with messages that name the flag.
const BACKENDS = ["kubernetes", "redis", "redis-aof", "postgres", "spanner"] as const;
export type Backend = (typeof BACKENDS)[number];

export interface ChaosOptions {
  backends: Backend[];
  /** Faults to inject per backend (the run stops at whichever of faults and minutes comes first). */
  faults: number;
  /** Wall-clock budget per backend, in minutes. */
  minutes: number;
  seed: number;
  /** Fault kinds to draw from; empty = every kind the backend supports. */
  only: string[];
  /** Where the JSON report goes. */
  outDir: string;
}

export function parseOptions(argv: string[]): ChaosOptions {
  const opts: ChaosOptions = {
    backends: ["kubernetes"],
    faults: 5,
    minutes: 5,
    seed: Date.now() % 1_000_000,
    only: [],
    outDir: "chaos-results",
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = (): string => {
      if (value === undefined) throw new Error(`${flag} needs a value`);
      i++;
      return value;
    };
    const count = (name: string, raw: string): number => {
      const n = Number(raw);
      if (!Number.isFinite(n) || n <= 0)
        throw new Error(`${name} must be a positive number, got "${raw}"`);
      return n;
    };
    switch (flag) {
      case "--backend": {
        const raw = need();
        if (raw === "all") opts.backends = [...BACKENDS];
        else
          opts.backends = raw.split(",").map(b => {
            if (!(BACKENDS as readonly string[]).includes(b))
              throw new Error(`--backend: "${b}" is not one of ${BACKENDS.join(", ")}, all`);
            return b as Backend;
          });
        break;
      }
      case "--faults":
        opts.faults = Math.floor(count(flag, need()));
        break;
      case "--minutes":
        opts.minutes = count(flag, need());
        break;
      case "--seed":
        opts.seed = Math.floor(Number(need()));
        if (!Number.isFinite(opts.seed)) throw new Error("--seed must be an integer");
        break;
      case "--only":
        opts.only = need().split(",").filter(Boolean);
        break;
      case "--out":
        opts.outDir = need();
        break;
      default:
        throw new Error(
          `unknown argument "${flag}"; usage: npm run chaos -- [--backend ${BACKENDS.join("|")}|all] [--faults N] [--minutes M] [--seed S] [--only KIND,...] [--out DIR]`,
        );
    }
  }
  return opts;
}
