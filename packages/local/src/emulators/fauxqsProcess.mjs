// Child-process entry for startFauxqs(). fauxqs is ESM-only and imports `node:sqlite` (Node 22.5+)
// for its optional persistence, so it can neither be require()d from CommonJS/Jest nor loaded on
// Node 20 as is. Here it runs in its own Node process: on Node versions without `node:sqlite` a
// resolve hook swaps that module for a stub (persistence is never enabled by startFauxqs), then
// the programmatic server starts and reports its port on stdout as one JSON line.
import { register } from 'node:module';

const STUB = 'data:text/javascript,' + encodeURIComponent(
  'export class DatabaseSync { constructor() { throw new Error("fauxqs persistence needs Node >= 22.5"); } }',
);
const HOOKS = 'data:text/javascript,' + encodeURIComponent(
  `export async function resolve(specifier, context, next) {
     if (specifier === 'node:sqlite') return { url: ${JSON.stringify(STUB)}, shortCircuit: true };
     return next(specifier, context);
   }`,
);

async function hasSqlite() {
  try {
    await import('node:sqlite');
    return true;
  } catch {
    return false;
  }
}

if (!(await hasSqlite())) register(HOOKS);

const { startFauxqs } = await import('fauxqs');
const options = JSON.parse(process.env.AUTOFLOW_FAUXQS_OPTIONS ?? '{}');
const server = await startFauxqs({ port: options.port ?? 0, logger: false, defaultRegion: options.defaultRegion });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent closes our stdin when it goes away without stopping us.
process.stdin.on('end', stop);
process.stdin.resume();

process.stdout.write(JSON.stringify({ ready: true, port: server.port }) + '\n');
