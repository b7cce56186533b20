// HIGHLANDER_* environment variables. An empty value overrides nothing (Kubernetes manifests often
// carry `value: ""` placeholders), and a key's own variable beats the predecessor's alias.
import { CONFIG_KEYS } from "./keys";
import { emptyLayer, type Layer } from "./layer";

export type Env = Readonly<Record<string, string | undefined>>;

export function envLayer(env: Env): Layer {
  const layer = emptyLayer();
  for (const key of CONFIG_KEYS) {
    const given = key.env.filter(name => (env[name] ?? "") !== "");
    const [chosen, ...ignored] = given;
    if (chosen === undefined) continue;
    layer.values.set(key.path, { raw: env[chosen], origin: `env ${chosen}` });
    for (const name of ignored) {
      layer.warnings.push(`${name} is ignored: ${chosen} is set too and takes precedence`);
    }
  }
  return layer;
}
