import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { TEST_CONTEXT, logicalId, synthesize } from './support/synthesize';

/**
 * The one test that bundles every Lambda entry with esbuild, as `pnpm synth` does, and loads
 * each bundle in a fresh Node process: a bundle that needs anything outside itself fails here.
 */
describe('Lambda bundles', () => {
  const { workload, assembly } = synthesize(TEST_CONTEXT, { code: undefined });
  const manifest = JSON.parse(readFileSync(path.join(assembly.directory, `${workload.artifactId}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging: string } }>;
  };
  const template = JSON.parse(readFileSync(path.join(assembly.directory, workload.templateFile), 'utf8'));
  const assetDirOf = (fnLogicalId: string) => {
    const key = String(template.Resources[fnLogicalId].Properties.Code.S3Key).replace(/\.zip$/, '');
    return path.join(assembly.directory, manifest.files[key]!.source.path);
  };

  it('bundles every function from its entry into one self-contained index.js that exports handler', () => {
    const dirs = new Set(workload.functions.map((f) => assetDirOf(logicalId(f.fn))));
    // one bundle per entry: ingress, listener, dispatcher, entity events, sweeper, worker, custom worker
    expect(dirs.size).toBe(7);
    for (const dir of dirs) {
      const bundle = path.join(dir, 'index.js');
      expect(existsSync(bundle)).toBe(true);
      expect(statSync(bundle).size).toBeLessThan(5 * 1024 * 1024);
      const exported = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(bundle)}).handler)`], { cwd: dir, env: { PATH: process.env.PATH } }).toString();
      expect(exported).toBe('function');
    }
  });

  it('deploys the handler of the bundle, with source maps', () => {
    for (const f of workload.functions) {
      const properties = template.Resources[logicalId(f.fn)].Properties;
      expect(properties.Handler).toBe('index.handler');
      expect(properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(existsSync(path.join(assetDirOf(logicalId(f.fn)), 'index.js.map'))).toBe(true);
    }
  });
});
