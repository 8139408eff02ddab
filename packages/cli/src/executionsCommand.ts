import type { Command } from 'commander';
import { ApiClient, type ApiOptions, segment } from './ApiClient';
import type { CliIo } from './CliIo';
import { EXIT, FailedError } from './errors';
import { type ExecutionDocument, formatDuration, formatTimeline, isFinished } from './formatTimeline';
import { parsePositiveSeconds, withApiOptions } from './options';
import { printJson, table } from './output';
import type { CommandResult } from './runCli';

export interface ExecutionOptions extends ApiOptions {
  json?: boolean;
  /** wait until the execution(s) finished */
  wait?: boolean;
  /** seconds `--wait` waits at most (default 60) */
  timeout?: number;
}

export interface ListOptions extends ExecutionOptions {
  entity: string;
  /** ids only, one per line */
  quiet?: boolean;
}

const POLL_MS = 250;
const DEFAULT_WAIT_SECONDS = 60;
const PAGE = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, or fails after `seconds` saying what it waited for. */
async function waitUntil<T>(seconds: number, what: () => string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new FailedError(`timed out after ${seconds} s: ${what()}`);
    await sleep(POLL_MS);
  }
}

async function listAll(api: ApiClient, entityId: string): Promise<ExecutionDocument[]> {
  const all: ExecutionDocument[] = [];
  for (let from = 0; ; from += PAGE) {
    const page = await api.get<{ total: number; results: ExecutionDocument[] }>(`/v1/automation/executions?entity_id=${encodeURIComponent(entityId)}&size=${PAGE}&from=${from}`);
    all.push(...page.results);
    if (page.results.length < PAGE || all.length >= page.total) return all;
  }
}

async function waitForExecution(api: ApiClient, id: string, seconds: number): Promise<ExecutionDocument> {
  let last: ExecutionDocument | undefined;
  return waitUntil(
    seconds,
    () => `execution ${id} is still ${last?.execution_status ?? 'unknown'}`,
    async () => {
      last = await api.get<ExecutionDocument>(`/v1/automation/executions/${segment(id)}`);
      return isFinished(last.execution_status) ? last : undefined;
    },
  );
}

/**
 * `autoflow executions list --entity <id>`: the entity's executions, newest first. With `--wait`,
 * waits until it has at least one and all of them finished (whatever their status).
 */
export async function listExecutions(opts: ListOptions, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  let results: ExecutionDocument[] = [];
  if (opts.wait) {
    results = await waitUntil(
      opts.timeout ?? DEFAULT_WAIT_SECONDS,
      () => (results.length === 0 ? `entity ${opts.entity} has no execution` : `executions of ${opts.entity} still running: ${results.filter((e) => !isFinished(e.execution_status)).map((e) => e.id).join(', ')}`),
      async () => {
        results = await listAll(api, opts.entity);
        return results.length > 0 && results.every((e) => isFinished(e.execution_status)) ? results : undefined;
      },
    );
  } else results = await listAll(api, opts.entity);

  if (opts.json) printJson(io, { total: results.length, results });
  else if (opts.quiet) for (const e of results) io.out(e.id);
  else if (results.length === 0) io.out(`no executions of entity ${opts.entity}`);
  else {
    const rows = results.map((e) => {
      const took = e.created_at && e.updated_at && isFinished(e.execution_status) ? formatDuration(Date.parse(e.updated_at) - Date.parse(e.created_at)) : '…';
      return [e.id, e.execution_status, e.created_at ?? '-', took, e.flow_name ?? e.flow_id];
    });
    for (const line of table(['ID', 'STATUS', 'STARTED', 'TOOK', 'FLOW'], rows)) io.out(line);
  }
  return EXIT.ok;
}

/** `autoflow executions show <id>`: the execution as a timeline; `--wait` first waits until it finished. */
export async function showExecution(id: string, opts: ExecutionOptions, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  const doc = opts.wait ? await waitForExecution(api, id, opts.timeout ?? DEFAULT_WAIT_SECONDS) : await api.get<ExecutionDocument>(`/v1/automation/executions/${segment(id)}`);
  if (opts.json) printJson(io, doc);
  else for (const line of formatTimeline(doc)) io.out(line);
  return EXIT.ok;
}

/** `autoflow executions retry <id>`: a failed execution runs again from the action that failed it. */
export async function retryExecution(id: string, opts: ExecutionOptions, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  const retried = await api.post<ExecutionDocument & { current_action_id?: string }>(`/v1/automation/executions/${segment(id)}:retry`);
  if (!opts.json) io.out(`retrying execution ${retried.id}${retried.current_action_id ? ` from action "${retried.current_action_id}"` : ''}`);
  const doc = opts.wait ? await waitForExecution(api, id, opts.timeout ?? DEFAULT_WAIT_SECONDS) : retried;
  if (opts.json) printJson(io, doc);
  else if (opts.wait) for (const line of formatTimeline(doc)) io.out(line);
  else io.out(`follow it with: autoflow executions show ${retried.id} --wait`);
  return EXIT.ok;
}

/** `autoflow executions cancel <id>`: an unfinished execution stops; its running action's result is ignored. */
export async function cancelExecution(id: string, opts: ExecutionOptions, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  const doc = await api.delete<ExecutionDocument>(`/v1/automation/executions/${segment(id)}`);
  if (opts.json) printJson(io, doc);
  else for (const line of formatTimeline(doc)) io.out(line);
  return EXIT.ok;
}

/** `autoflow executions list|show|retry|cancel`. */
export function registerExecutionsCommand(program: Command, io: CliIo, result: CommandResult): void {
  const executions = program.command('executions').description('follow, retry and cancel executions on a running API');
  const waitOptions = (c: Command): Command =>
    c
      .option('--wait', 'wait until the execution finished (success, failed, cancelled, …) before printing', false)
      .option('--timeout <seconds>', `how long --wait waits at most (exit 1 after it; default ${DEFAULT_WAIT_SECONDS})`, parsePositiveSeconds);

  withApiOptions(
    waitOptions(
      executions
        .command('list')
        .description("an entity's executions, newest first")
        .requiredOption('--entity <id>', 'the entity the executions are about (e.g. the order)')
        .option('-q, --quiet', 'print only the execution ids, one per line', false),
    ),
  ).action(async (opts: ListOptions) => {
    result.code = await listExecutions(opts, io);
  });
  withApiOptions(waitOptions(executions.command('show').description('an execution as a timeline: action, status, attempts, duration, error').argument('<id>', 'execution id'))).action(
    async (id: string, opts: ExecutionOptions) => {
      result.code = await showExecution(id, opts, io);
    },
  );
  withApiOptions(waitOptions(executions.command('retry').description('run a failed execution again from the action that failed it').argument('<id>', 'execution id'))).action(
    async (id: string, opts: ExecutionOptions) => {
      result.code = await retryExecution(id, opts, io);
    },
  );
  withApiOptions(executions.command('cancel').description('cancel an unfinished execution').argument('<id>', 'execution id')).action(async (id: string, opts: ExecutionOptions) => {
    result.code = await cancelExecution(id, opts, io);
  });
}
