import { type DeploymentConfig, parseDeploymentConfig } from '@autoflow/aws';
import type { Node } from 'constructs';

/** The context key that holds a deployment's settings (see DeploymentConfig). */
export const CONTEXT_KEY = 'autoflow';

/**
 * Reads the deployment's settings from the app's context: the `autoflow` object (from
 * cdk.json, or a JSON string from `-c autoflow=...`), then every `autoflow.<path>` key on top
 * of it (`-c autoflow.stage=prod`, `-c autoflow.webhooks.allowPrivateTargets=false`), whose
 * values are read as JSON where they parse as JSON and as strings otherwise.
 */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  const base: unknown = node.tryGetContext(CONTEXT_KEY);
  const settings = (typeof base === 'string' ? JSON.parse(base) : structuredClone(base ?? {})) as Record<string, unknown>;
  for (const [key, value] of Object.entries(node.getAllContext() as Record<string, unknown>)) {
    if (!key.startsWith(`${CONTEXT_KEY}.`)) continue;
    setPath(settings, key.slice(CONTEXT_KEY.length + 1).split('.'), typeof value === 'string' ? jsonOrString(value) : value);
  }
  return parseDeploymentConfig(settings);
}

function jsonOrString(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    node = (node[segment] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
