import { IsoDateTimeSchema, IsoDurationSchema, parseWithProblems } from '@autoflow/core';
import { type Command, InvalidArgumentError } from 'commander';
import { ApiClient } from './ApiClient';
import type { CliIo } from './CliIo';
import { EXIT } from './errors';
import { parsePositiveSeconds } from './options';
import { printJson } from './output';
import type { CommandResult } from './runCli';

export interface ClockOptions {
  api?: string;
  json?: boolean;
  /** seconds to wait for a move to finish (default 600) */
  timeout?: number;
}

/** `GET /dev/clock` */
export interface ClockView {
  now: string;
  mode: 'real' | 'manual';
  timers: { armed: number; next_due_at: string | null };
}

/** `POST /dev/clock` */
export interface ClockMoved {
  now: string;
  fired: number;
}

/** A move waits for every timer due on the way and for the engine to be idle after each. */
export const DEFAULT_CLOCK_MOVE_TIMEOUT_SECONDS = 600;

/** `autoflow clock [show]`: where the dev server's clock stands and what waits on it. */
export async function showClock(opts: ClockOptions, io: CliIo): Promise<number> {
  const clock = await ApiClient.forDevRoutes(opts, io).get<ClockView>('/dev/clock');
  if (opts.json) {
    printJson(io, clock);
    return EXIT.ok;
  }
  const how = clock.mode === 'manual' ? 'manual clock: autoflow clock advance <duration> moves it' : 'real clock: autoflow dev --clock manual gives one you move';
  io.out(`now     ${clock.now}  (${how})`);
  io.out(`timers  ${clock.timers.armed} armed${clock.timers.next_due_at ? `; the next is due ${clock.timers.next_due_at}` : ''}`);
  return EXIT.ok;
}

/**
 * `autoflow clock advance <duration>` and `autoflow clock set <instant>`: moves the manual clock
 * of `autoflow dev --clock manual`, which fires every timer due on the way, and prints where it
 * stands once the engine is idle again.
 */
export async function moveClock(move: { advance: string } | { to: string }, opts: ClockOptions, io: CliIo): Promise<number> {
  const api = ApiClient.forDevRoutes(opts, io, (opts.timeout ?? DEFAULT_CLOCK_MOVE_TIMEOUT_SECONDS) * 1000);
  const moved = await api.post<ClockMoved>('/dev/clock', move);
  if (opts.json) printJson(io, moved);
  else io.out(`clock ${'advance' in move ? `advanced by ${move.advance}` : 'set'} to ${moved.now}; ${moved.fired} timer(s) fired`);
  return EXIT.ok;
}

/** A command-line value checked with one of core's schemas; its first problem is the usage error. */
const parsedWith =
  (schema: typeof IsoDurationSchema | typeof IsoDateTimeSchema) =>
  (value: string): string => {
    const parsed = parseWithProblems(schema, value);
    if (!parsed.ok) throw new InvalidArgumentError(parsed.problems[0]?.message ?? 'is invalid');
    return parsed.data;
  };

/** `--api` and `--json`: the dev routes need no token. */
const withDevRouteOptions = (command: Command): Command =>
  command
    .option('--api <url>', 'base URL of the dev server (default: $AUTOFLOW_API_URL, else http://127.0.0.1:4870)')
    .option('--json', 'machine-readable output: one JSON document on stdout', false);

const withMoveTimeout = (command: Command): Command =>
  command.option('--timeout <seconds>', `how long to wait for the move to finish (default ${DEFAULT_CLOCK_MOVE_TIMEOUT_SECONDS})`, parsePositiveSeconds);

/** `autoflow clock`. */
export function registerClockCommand(program: Command, io: CliIo, result: CommandResult): void {
  const clock = program
    .command('clock')
    .description('show or move the clock of `autoflow dev --clock manual`; timers fire as it passes them')
    .addHelpText('after', '\nThe clock only moves forward. A move answers once the timers due on the way fired and the engine is idle again.');
  withDevRouteOptions(clock.command('show', { isDefault: true }).description('print the time of the dev server and the timers waiting (the default)')).action(
    async (opts: ClockOptions) => {
      result.code = await showClock(opts, io);
    },
  );
  withMoveTimeout(
    withDevRouteOptions(
      clock
        .command('advance')
        .description('move the manual clock forward by an ISO 8601 duration, firing every timer due by then')
        .argument('<duration>', 'ISO 8601 duration: PT30M, P3D, P1M (months and years in calendar months of UTC)', parsedWith(IsoDurationSchema)),
    ),
  ).action(async (duration: string, opts: ClockOptions) => {
    result.code = await moveClock({ advance: duration }, opts, io);
  });
  withMoveTimeout(
    withDevRouteOptions(
      clock
        .command('set')
        .description('move the manual clock forward to an instant, firing every timer due by then')
        .argument('<instant>', 'ISO 8601 date-time with a timezone: 2027-01-01T09:00:00Z', parsedWith(IsoDateTimeSchema)),
    ),
  ).action(async (instant: string, opts: ClockOptions) => {
    result.code = await moveClock({ to: instant }, opts, io);
  });
}
