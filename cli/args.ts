// A small, strict argv parser for the `highlander` CLI: `--flag value`, `--flag=value`, repeated flags,
// boolean flags, `-n ns` / `-A`, and everything after `--` kept verbatim (for `run -- <command…>`).

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
  /** Arguments after a bare `--`, untouched. */
  rest: string[];
}

const SHORT: Record<string, string> = { n: "namespace", A: "all-namespaces", h: "help" };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `booleans` lists flags that take no value. */
export function parseArgs(argv: string[], booleans: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const add = (name: string, value: string) => flags.set(name, [...(flags.get(name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return { positionals, flags, rest: argv.slice(i + 1) };
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else if (/^-[A-Za-z]$/.test(arg)) {
      name = SHORT[arg.slice(1)];
      if (!name) throw new UsageError(`unknown option ${arg}`);
    }
    if (name === undefined) {
      positionals.push(arg);
      continue;
    }
    if (!name) throw new UsageError(`malformed option "${arg}"`);
    if (booleans.has(name)) {
      if (inline !== undefined && !["true", "false"].includes(inline)) {
        throw new UsageError(`--${name} takes no value (or true/false), got "${inline}"`);
      }
      add(name, inline ?? "true");
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    add(name, value);
  }
  return { positionals, flags, rest: [] };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const values = args.flags.get(name);
  return values?.[values.length - 1];
}

export function flags(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return flag(args, name) === "true";
}

/** Fails on flags a command does not know, so a typo is an error instead of being ignored. */
export function rejectUnknown(args: ParsedArgs, known: readonly string[]): void {
  const unknown = [...args.flags.keys()].filter(name => !known.includes(name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown option${unknown.length > 1 ? "s" : ""}: ${unknown.map(u => `--${u}`).join(", ")}`,
    );
}
