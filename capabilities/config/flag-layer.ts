// Command-line flags: `--port 9090`, `--port=9090`, booleans as `--remains-follower`,
// `--remains-follower=false` or `--no-remains-follower`. Unknown flags and stray arguments are
// problems: a mistyped flag silently ignored is a misconfiguration nobody notices.
import { CONFIG_FILE_FLAG, CONFIG_KEYS, type KeySpec } from "./keys";
import { emptyLayer, type Layer } from "./layer";

export interface FlagResult {
  layer: Layer;
  /** Value of --config, if given. */
  configPath?: string;
}

function findFlag(name: string): KeySpec | undefined {
  return CONFIG_KEYS.find(k => k.flag === name);
}

export function flagLayer(argv: readonly string[]): FlagResult {
  const layer = emptyLayer();
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) {
      layer.problems.push(`unexpected argument "${arg}": flags look like --name=value`);
      continue;
    }
    const eq = arg.indexOf("=");
    let name = eq === -1 ? arg : arg.slice(0, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let key = findFlag(name);
    if (key === undefined && name.startsWith("--no-") && value === undefined) {
      const positive = findFlag(`--${name.slice(5)}`);
      if (positive?.kind === "bool") {
        key = positive;
        name = positive.flag ?? name;
        value = "false";
      }
    }
    if (name === CONFIG_FILE_FLAG || key !== undefined) {
      const takesValue = key?.kind !== "bool";
      if (value === undefined) {
        const next = argv[i + 1];
        if (!takesValue) value = "true";
        else if (next !== undefined && !next.startsWith("--")) {
          value = next;
          i++;
        } else {
          layer.problems.push(`${name}: needs a value, e.g. ${name}=VALUE`);
          continue;
        }
      }
      // Like an empty environment variable, an empty flag value overrides nothing.
      if (value === "") continue;
      if (key === undefined) configPath = value;
      else layer.values.set(key.path, { raw: value, origin: `flag ${name}` });
      continue;
    }
    layer.problems.push(`unknown flag ${name}`);
  }
  return { layer, configPath };
}
