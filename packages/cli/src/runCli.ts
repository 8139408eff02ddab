import { Command, CommanderError } from 'commander';
import { registerBulkCommand } from './bulkCommand';
import type { CliIo } from './CliIo';
import { registerClockCommand } from './clockCommand';
import { registerDevCommand } from './devCommand';
import { CliError, EXIT } from './errors';
import { registerEventsCommand } from './eventsCommand';
import { registerExecutionsCommand } from './executionsCommand';
import { registerFlowsCommand } from './flowsCommand';
import { problemLines } from './output';
import { registerTokenCommand } from './tokenCommand';

/** Where a command's action leaves its exit code. */
export interface CommandResult {
  code: number;
}

/** The `autoflow` program: every command group registered, output and exits routed through `io`. */
export function createProgram(io: CliIo, result: CommandResult): Command {
  const program = new Command('autoflow')
    .description('autoflow automation engine: run it locally, and drive its API')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', '\nExit codes: 0 ok · 1 invalid or failed · 2 usage error · 3 not found or API error. See docs/cli.md.');
  registerDevCommand(program, io, result);
  registerFlowsCommand(program, io, result);
  registerEventsCommand(program, io, result);
  registerExecutionsCommand(program, io, result);
  registerBulkCommand(program, io, result);
  registerClockCommand(program, io, result);
  registerTokenCommand(program, io, result);
  return program;
}

/**
 * Runs one command line (`argv` without node and the script) and resolves with its exit code
 * (see `EXIT`). Errors are printed to stderr; with `--json` they are a JSON document on stdout:
 * `{"error": {message, exit_code, status?, problems?}}`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { code: EXIT.ok };
  const program = createProgram(io, result);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end "successfully"; every other parse failure is a usage error
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const known = err instanceof CliError ? err : undefined;
    const exitCode = known?.exitCode ?? EXIT.failed;
    const message = err instanceof Error ? err.message : String(err);
    if (argv.includes('--json')) {
      io.out(JSON.stringify({ error: { message, exit_code: exitCode, ...(known?.details ?? {}) } }, null, 2));
    } else {
      const problems = (known?.details.problems as Array<{ path: string; message: string }> | undefined) ?? [];
      io.err([`error: ${message}`, ...problemLines(problems)].join('\n'));
      if (!known && err instanceof Error && io.env.AUTOFLOW_DEBUG) io.err(err.stack ?? '');
    }
    return exitCode;
  }
}
