#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { runDev } from './dev';

const port = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
};

const program = new Command('autoflow').description('autoflow automation engine');

program
  .command('dev')
  .description('run the engine on the embedded stack with the flows of a directory')
  .option('--flows <dir>', 'directory of flow JSON files', 'flows')
  .option('--port <port>', 'port of the dev HTTP server', port, 4870)
  .option('--org <id>', 'organisation the flows belong to', 'demo')
  .option('--demo', 'create an order and place it, to see the example flow run', false)
  .option('--exit', 'stop after loading (and the demo) instead of serving', false)
  .action(async (opts: { flows: string; port: number; org: string; demo: boolean; exit: boolean }) => {
    process.exitCode = await runDev(opts);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
