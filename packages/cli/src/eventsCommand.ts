import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ApiClient, type ApiOptions } from './ApiClient';
import type { CliIo } from './CliIo';
import { EXIT, FailedError, UsageError } from './errors';
import { withApiOptions } from './options';
import { printJson } from './output';
import type { CommandResult } from './runCli';

/**
 * `autoflow events publish <file|->`: publishes one event or an array of up to 100 (JSON, from
 * a file or stdin) as the token's org. The API checks every event before accepting any; its
 * problems are listed with their paths (`[1].org_id: …`) and the command exits 1.
 */
export async function publishEvents(source: string, opts: ApiOptions & { json?: boolean }, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  let text: string;
  try {
    text = source === '-' ? await io.readStdin() : await readFile(source, 'utf8');
  } catch (err) {
    throw new UsageError(`${source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new FailedError(`${source === '-' ? 'stdin' : source} is not valid JSON: ${(err as Error).message}`);
  }
  if (body === null || typeof body !== 'object') throw new FailedError('expected an event (a JSON object) or an array of events');
  const accepted = await api.post<{ event_ids: string[] }>('/v1/automation/events', body);
  if (opts.json) printJson(io, accepted);
  else io.out(`accepted ${accepted.event_ids.length} event(s): ${accepted.event_ids.join(', ')}`);
  return EXIT.ok;
}

/** `autoflow events publish`. */
export function registerEventsCommand(program: Command, io: CliIo, result: CommandResult): void {
  const events = program.command('events').description('publish platform events to a running API');
  withApiOptions(
    events
      .command('publish')
      .description('publish one event or an array of events (JSON) from a file, or from stdin with "-"')
      .argument('<file>', 'a JSON file, or - for stdin'),
  ).action(async (file: string, opts: ApiOptions & { json?: boolean }) => {
    result.code = await publishEvents(file, opts, io);
  });
}
