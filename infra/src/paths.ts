import * as path from 'node:path';

/** The repository root: NodejsFunction's project root (entries and the lock file live under it). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const INFRA_ROOT = path.resolve(__dirname, '..');
/** Where the Lambda entry points are (packages/aws/src/lambda). */
export const LAMBDA_ENTRY_DIR = path.join(REPO_ROOT, 'packages', 'aws', 'src', 'lambda');
/** The HTTP API's Lambda entry (packages/api), which exports `handler`. */
export const API_ENTRY = path.join(REPO_ROOT, 'packages', 'api', 'src', 'lambda.ts');
export const LOCK_FILE = path.join(REPO_ROOT, 'pnpm-lock.yaml');

/**
 * NodejsFunction runs a workspace's esbuild as `pnpm exec esbuild` in the project root, where
 * esbuild is a dependency of `infra` only, so pnpm would not find it. Putting infra's own bin
 * directory on PATH makes that exec find it (`pnpm --filter @autoflow/infra synth` does the
 * same). With esbuild in the root devDependencies this becomes a no-op.
 */
export function ensureLocalEsbuildOnPath(): void {
  const bin = path.join(INFRA_ROOT, 'node_modules', '.bin');
  const entries = (process.env.PATH ?? '').split(path.delimiter);
  if (!entries.includes(bin)) process.env.PATH = [bin, ...entries].filter(Boolean).join(path.delimiter);
}
