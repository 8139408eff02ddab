import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ApiClient, type ApiOptions } from './ApiClient';
import type { CliIo } from './CliIo';
import { CliError, EXIT, FailedError, UsageError } from './errors';
import { type BulkJobView, bulkExitCode, formatBulkStatus, formatPreview, isBulkJobFinal } from './formatBulkJob';
import { collectContext, parseMilliseconds, parsePositiveSeconds, withApiOptions } from './options';
import { printJson } from './output';
import type { CommandResult } from './runCli';
import { bulkJobPath, watchBulkJob } from './watchBulkJob';

export interface BulkWatchOptions extends ApiOptions {
  json?: boolean;
  /** follow the job until it is final */
  watch?: boolean;
  /** milliseconds between polls while watching (default 1000) */
  interval?: number;
  /** seconds `--watch` waits at most (default: until the job is final) */
  timeout?: number;
}

export interface BulkStartOptions extends BulkWatchOptions {
  flow: string;
  /** a JSON file (or - for stdin) holding `[{entity_id, entity_schema}]` */
  refs?: string;
  /** a Lucene query */
  query?: string;
  /** an EntitySearchFilter: inline JSON, or a JSON file (or - for stdin) */
  filter?: string;
  /** `trigger_context` of every execution (`--context key=value`) */
  context?: Record<string, string>;
  /** approve right away with the task token the API returned */
  approve?: boolean;
}

export interface BulkTokenOptions extends ApiOptions {
  json?: boolean;
  /** the job's task token; without it, the token is read from the job while it waits for approval */
  taskToken?: string;
}

const BULK_JOBS = '/v1/automation/executions/bulk-jobs';
const DEFAULT_INTERVAL_MS = 1000;

/** Reads JSON from a file, or from stdin with `-`; `what` names the option in messages. */
async function readJson(source: string, what: string, io: CliIo): Promise<unknown> {
  let text: string;
  try {
    text = source === '-' ? await io.readStdin() : await readFile(source, 'utf8');
  } catch (err) {
    throw new UsageError(`${what}: ${source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseJson(text, `${what} ${source === '-' ? 'stdin' : source}`);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FailedError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The request's entity selection: exactly one of `--refs`, `--query`, `--filter`. */
async function selectionOf(opts: BulkStartOptions, io: CliIo): Promise<Record<string, unknown>> {
  const given = (['refs', 'query', 'filter'] as const).filter((k) => opts[k] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(`pass exactly one of --refs <file>, --query <lucene>, --filter <json|file>${given.length > 1 ? ` (got ${given.map((k) => `--${k}`).join(' and ')})` : ''}`);
  }
  if (opts.query !== undefined) return { entities_query: opts.query };
  if (opts.refs !== undefined) {
    const refs = await readJson(opts.refs, '--refs', io);
    if (!Array.isArray(refs)) throw new FailedError('--refs: expected a JSON array of {"entity_id": …, "entity_schema": …}');
    return { entities_refs: refs };
  }
  // inline JSON starts with [ or {; anything else names a file
  const filter = /^\s*[[{]/.test(opts.filter!) ? parseJson(opts.filter!, '--filter') : await readJson(opts.filter!, '--filter', io);
  return { entities_filter: filter };
}

/** Follows a job until it is final, then prints it (text: status and report; `--json`: the job). */
async function follow(api: ApiClient, jobId: string, opts: BulkWatchOptions, io: CliIo, taskToken?: string): Promise<number> {
  const final = await watchBulkJob(api, jobId, io, {
    intervalMs: opts.interval ?? DEFAULT_INTERVAL_MS,
    ...(opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
    quiet: opts.json === true,
  });
  if (opts.json) printJson(io, { ...(await api.get<BulkJobView>(bulkJobPath(jobId))), ...(taskToken ? { task_token: taskToken } : {}) });
  else {
    io.out('');
    for (const line of formatBulkStatus(final, Date.now())) io.out(line);
  }
  return bulkExitCode(final);
}

const approvedLines = (job: BulkJobView, taskToken: string): string[] => [
  `approved bulk job ${job.job_id}: ${job.status}`,
  `  cancel it with:  autoflow bulk cancel ${job.job_id} --task-token ${taskToken}`,
];

/**
 * `autoflow bulk start`: creates a bulk job (the API's dry run comes back as its preview),
 * prints the preview, the job id, its task token and the command that approves it. With
 * `--approve` it approves at once; with `--watch` it follows the job like `status --watch`.
 * `--json` prints the job, keeping `task_token` (the API shows it only before approval).
 */
export async function startBulkJob(opts: BulkStartOptions, io: CliIo): Promise<number> {
  const selection = await selectionOf(opts, io);
  const api = ApiClient.from(opts, io);
  const created = await api.post<BulkJobView>(BULK_JOBS, { flow_id: opts.flow, ...selection, ...(opts.context ? { trigger_context: opts.context } : {}) });
  const id = created.job_id;
  const token = created.task_token ?? '';
  if (!opts.json) {
    io.out(`created bulk job ${id} for flow ${created.flow_id}; it waits for approval`);
    for (const line of formatPreview(created.preview)) io.out(line);
    io.out(`task token  ${token}`);
    io.out('  (keep it: once the job runs, cancelling it needs this token)');
  }
  let job = created;
  if (opts.approve) {
    job = await api.request<BulkJobView>('PATCH', bulkJobPath(id), { action: 'APPROVE', task_token: token });
    if (!opts.json) for (const line of approvedLines(job, token)) io.out(line);
  } else if (!opts.json) {
    io.out('');
    io.out('approve it with:');
    io.out(`  autoflow bulk approve ${id} --task-token ${token}`);
  }
  if (opts.watch) return follow(api, id, opts, io, token);
  if (opts.json) printJson(io, { ...job, task_token: token });
  else if (opts.approve) io.out(`  follow it with:  autoflow bulk status ${id} --watch`);
  return EXIT.ok;
}

/** `autoflow bulk approve <job_id>`: starts a job waiting for approval. */
export async function approveBulkJob(jobId: string, opts: BulkTokenOptions, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  let token = opts.taskToken;
  if (token === undefined) {
    const current = await api.get<BulkJobView>(`${bulkJobPath(jobId)}?size=1`);
    if (current.task_token === undefined) throw new CliError(`bulk job ${jobId} is ${current.status}; only a job in approval can be approved`, EXIT.api);
    token = current.task_token;
  }
  const job = await api.request<BulkJobView>('PATCH', bulkJobPath(jobId), { action: 'APPROVE', task_token: token });
  if (opts.json) printJson(io, job);
  else for (const line of [...approvedLines(job, token), `  follow it with:  autoflow bulk status ${jobId} --watch`]) io.out(line);
  return EXIT.ok;
}

/**
 * `autoflow bulk cancel <job_id>`: no new executions start (those started go on). The API
 * shows a job's task token only while it waits for approval, so a running job needs `--task-token`.
 */
export async function cancelBulkJob(jobId: string, opts: BulkTokenOptions, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  let token = opts.taskToken;
  let job: BulkJobView | undefined;
  if (token === undefined) {
    const current = await api.get<BulkJobView>(bulkJobPath(jobId));
    if (current.task_token !== undefined) token = current.task_token;
    // cancelling a cancelled job answers the same again, as the API does
    else if (current.status === 'cancelled') job = current;
    else if (isBulkJobFinal(current)) throw new CliError(`bulk job ${jobId} is ${current.status}; only a job not yet finished can be cancelled`, EXIT.api);
    else {
      throw new UsageError(
        `bulk job ${jobId} is ${current.status}: the API shows a job's task token only while it waits for approval, so pass --task-token <token> (the one \`autoflow bulk start\` printed)`,
      );
    }
  }
  job ??= await api.request<BulkJobView>('PATCH', bulkJobPath(jobId), { action: 'CANCEL', task_token: token });
  if (opts.json) printJson(io, job);
  else {
    io.out(`cancelled bulk job ${jobId}; executions already started go on`);
    for (const line of formatBulkStatus(job, Date.now())) io.out(line);
  }
  return EXIT.ok;
}

/**
 * `autoflow bulk status <job_id>`: the job's status, entities processed, executions started
 * and by final status, and the rate; its report once finished. `--watch` follows it until it
 * is final. Exit 0 unless the job failed or was cancelled (1).
 */
export async function showBulkJob(jobId: string, opts: BulkWatchOptions, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  if (opts.watch) return follow(api, jobId, opts, io);
  const job = await api.get<BulkJobView>(bulkJobPath(jobId));
  if (opts.json) printJson(io, job);
  else for (const line of formatBulkStatus(job, Date.now())) io.out(line);
  return bulkExitCode(job);
}

/** `autoflow bulk start|approve|cancel|status`. */
export function registerBulkCommand(program: Command, io: CliIo, result: CommandResult): void {
  const bulk = program.command('bulk').description('run a flow for many entities: preview, approve, follow and cancel bulk jobs');
  const watchOptions = (c: Command): Command =>
    c
      .option('--watch', 'follow the job until it is final: a progress line, then its report (exit 1 if it failed or was cancelled)', false)
      .option('--interval <ms>', `milliseconds between polls while watching (default ${DEFAULT_INTERVAL_MS})`, parseMilliseconds)
      .option('--timeout <seconds>', 'how long --watch waits at most (exit 1 after it; default: until the job is final)', parsePositiveSeconds);
  const tokenOption = (c: Command): Command =>
    c.option('--task-token <token>', "the job's task token (default: read from the job while it waits for approval)");

  withApiOptions(
    watchOptions(
      bulk
        .command('start')
        .description('create a bulk job: print its preview, job id, task token and the command that approves it')
        .requiredOption('--flow <id>', 'the flow to run for each entity')
        .option('--refs <file>', 'a JSON file (or - for stdin) with [{"entity_id": …, "entity_schema": …}, …]')
        .option('--query <lucene>', 'a Lucene query, e.g. "_schema:contact AND status:active"')
        .option('--filter <json|file>', 'an entity search filter: inline JSON, or a JSON file (or - for stdin)')
        .option('--context <key=value>', 'trigger_context of every execution; repeatable', collectContext)
        .option('--approve', 'approve the job right away with the task token it was created with', false)
        .addHelpText('after', '\nExample:\n  autoflow bulk start --flow welcome --query "_schema:contact AND status:active" --approve --watch'),
    ),
  ).action(async (opts: BulkStartOptions) => {
    result.code = await startBulkJob(opts, io);
  });
  withApiOptions(tokenOption(bulk.command('approve').description('approve a job waiting for approval: it starts').argument('<job_id>', 'bulk job id'))).action(
    async (id: string, opts: BulkTokenOptions) => {
      result.code = await approveBulkJob(id, opts, io);
    },
  );
  withApiOptions(
    tokenOption(bulk.command('cancel').description('cancel a job: no new executions start (a running job needs --task-token)').argument('<job_id>', 'bulk job id')),
  ).action(async (id: string, opts: BulkTokenOptions) => {
    result.code = await cancelBulkJob(id, opts, io);
  });
  withApiOptions(watchOptions(bulk.command('status').description("a job's progress, and its report once finished").argument('<job_id>', 'bulk job id'))).action(
    async (id: string, opts: BulkWatchOptions) => {
      result.code = await showBulkJob(id, opts, io);
    },
  );
}
