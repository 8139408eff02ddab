import { type Command, Option } from 'commander';
import type { CliIo } from './CliIo';
import type { CommandResult } from './runCli';
import { parsePort } from './options';

/** `autoflow dev`. The embedded stack's modules are loaded only when it runs, so other commands start fast. */
export function registerDevCommand(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('dev')
    .description('run the engine on the embedded stack and serve the API, with the flows of a directory and a live log')
    .option('--flows <dir>', 'directory (or file) of flow JSON files', 'flows')
    .option('--port <port>', 'port of the API (0 = any free port)', parsePort, 4870)
    .option('--org <id>', 'organisation the flows belong to and the printed token names', 'demo')
    .option('--demo', 'create an order and place it through the API, to see the example flow run', false)
    .option('--exit', 'stop after loading the flows (and the demo) instead of serving until Ctrl-C', false)
    .option('--json', 'log JSON lines ({event, message, …}) instead of text', false)
    .addOption(
      new Option('--clock <mode>', 'real: timers fire on time; manual: the clock starts now and moves only when told (autoflow clock advance P1D)')
        .choices(['real', 'manual'])
        .default('real'),
    )
    .addHelpText(
      'after',
      '\nTokens are HS256, signed with $AUTOFLOW_DEV_SECRET (at least 32 bytes) or a fixed dev default;\n`autoflow token --org <id>` prints more. Exit code with --exit: 0, or 1 when a flow file is invalid or the demo failed.',
    )
    .action(async (opts: { flows: string; port: number; org: string; demo: boolean; exit: boolean; json: boolean; clock: 'real' | 'manual' }) => {
      const { runDev } = await import('./runDev');
      result.code = await runDev(opts, io);
    });
}
