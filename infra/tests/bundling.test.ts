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
    // one bundle per entry: ingress, listener, dispatcher, entity events, sweeper, timers, bulk tasks, worker, custom worker, HTTP API
    expect(dirs.size).toBe(10);
    for (const dir of dirs) {
      const bundle = path.join(dir, 'index.js');
      expect(existsSync(bundle)).toBe(true);
      expect(statSync(bundle).size).toBeLessThan(5 * 1024 * 1024);
      const exported = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(bundle)}).handler)`], { cwd: dir, env: { PATH: process.env.PATH } }).toString();
      expect(exported).toBe('function');
    }
  });

  it('bundles the HTTP API (packages/api/src/lambda.ts) so that it serves requests on its own', () => {
    const bundle = path.join(assetDirOf(logicalId(workload.api!.function.fn)), 'index.js');
    const event = {
      version: '2.0',
      routeKey: 'GET /openapi.json',
      rawPath: '/openapi.json',
      rawQueryString: '',
      headers: { host: 'api.test' },
      requestContext: { http: { method: 'GET', path: '/openapi.json', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' }, requestId: 'r-1', stage: '$default', domainName: 'api.test' },
      isBase64Encoded: false,
    };
    const script = `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(event)}).then((r) => process.stdout.write(JSON.stringify([r.statusCode, Object.keys(JSON.parse(r.body).paths).length])))`;
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-central-1',
      AUTOFLOW_STAGE: 'test',
      AUTOFLOW_EXECUTIONS_TABLE: 'autoflow-test-executions',
      AUTOFLOW_CONTROL_TABLE: 'autoflow-test-control',
      AUTOFLOW_ENTITIES_TABLE: 'autoflow-test-entities',
      AUTOFLOW_TRIGGER_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/autoflow-test-triggers.fifo',
      AUTOFLOW_JWKS_URL: 'https://login.example.com/.well-known/jwks.json',
      AUTOFLOW_JWT_ISSUER: 'https://login.example.com/',
    };
    const [status, paths] = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.dirname(bundle), env }).toString()) as [number, number];
    expect(status).toBe(200);
    expect(paths).toBeGreaterThan(10);
  });

  it('bundles the bulk tasks (with the Step Functions client) so that it checks a step input on its own', () => {
    const bundle = path.join(assetDirOf(logicalId(workload.bulkJobs.function.fn)), 'index.js');
    const script = `require(${JSON.stringify(bundle)}).handler({ task: 'record_failure', org_id: 'org-1' }).then(() => process.stdout.write('resolved'), (e) => process.stdout.write(e.name))`;
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-central-1',
      AUTOFLOW_STAGE: 'test',
      AUTOFLOW_LOG_LEVEL: 'ERROR',
      AUTOFLOW_EXECUTIONS_TABLE: 'autoflow-test-executions',
      AUTOFLOW_CONTROL_TABLE: 'autoflow-test-control',
      AUTOFLOW_ENTITIES_TABLE: 'autoflow-test-entities',
    };
    // the error name is what the state machine's Retry and Catch match on
    expect(execFileSync(process.execPath, ['-e', script], { cwd: path.dirname(bundle), env }).toString()).toBe('ValidationError');
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
