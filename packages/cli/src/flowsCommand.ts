import type { Command } from 'commander';
import { ApiClient, type ApiOptions, DEFAULT_API_URL, segment } from './ApiClient';
import type { CliIo } from './CliIo';
import { ApiError, EXIT, FailedError, type Problem } from './errors';
import { type FlowFileProblem, loadFlowFiles } from './loadFlowFiles';
import { collectVar, withApiOptions } from './options';
import { printJson, problemLines } from './output';
import type { CommandResult } from './runCli';

export interface FlowFileOptions {
  json?: boolean;
  /** `{{NAME}}` placeholders to replace before validating (`--var NAME=VALUE`) */
  var?: Record<string, string>;
}

interface FileReport {
  file: string;
  valid: boolean;
  id?: string;
  flow_name?: string;
  problems?: Problem[];
}

const DEFAULT_PATHS = ['flows'];

/**
 * `autoflow flows validate [paths..]`: checks flow files offline, the way the API checks a flow.
 * `{{DEV_URL}}` stands for the dev server (http://127.0.0.1:4870) unless `--var` says otherwise.
 * Exit 0 when every file is valid, 1 when any is not (each problem listed with its path).
 */
export async function validateFlows(paths: readonly string[], opts: FlowFileOptions, io: CliIo): Promise<number> {
  const targets = paths.length > 0 ? paths : DEFAULT_PATHS;
  const { flows, invalid } = await loadFlowFiles(targets, { DEV_URL: DEFAULT_API_URL, ...opts.var });
  const files: FileReport[] = [
    ...flows.map(({ file, flow }) => ({ file, valid: true, ...(flow.id !== undefined ? { id: flow.id } : {}), flow_name: flow.flow_name })),
    ...invalid.map(({ file, problems }) => ({ file, valid: false, problems })),
  ].sort((a, b) => a.file.localeCompare(b.file));
  if (files.length === 0) throw new FailedError(`no flow files (*.json) in ${targets.join(', ')}`);
  if (opts.json) {
    printJson(io, { valid: invalid.length === 0, files });
  } else {
    for (const f of files) {
      if (f.valid) io.out(`✓ ${f.file}  "${f.flow_name}"${f.id !== undefined ? ` (${f.id})` : ''}`);
      else io.out([`✗ ${f.file}`, ...problemLines(f.problems ?? [])].join('\n'));
    }
    io.out(`${files.length} flow file(s): ${flows.length} valid, ${invalid.length} invalid`);
  }
  return invalid.length === 0 ? EXIT.ok : EXIT.failed;
}

interface PushReport {
  file: string;
  id: string;
  flow_name: string;
  version?: number;
  action: 'created' | 'updated';
}

/**
 * `autoflow flows push [paths..]`: saves flow files to a running API for the token's org. A flow
 * with an `id` is replaced (PUT) or, the first time, created with that id; a flow without one is
 * created anew on every push. Files are all validated first; if any is invalid, none is pushed.
 * `{{DEV_URL}}` stands for the API's URL (the dev server serves the webhook echo).
 */
export async function pushFlows(paths: readonly string[], opts: FlowFileOptions & ApiOptions, io: CliIo): Promise<number> {
  const api = ApiClient.from(opts, io);
  const targets = paths.length > 0 ? paths : DEFAULT_PATHS;
  const { flows, invalid } = await loadFlowFiles(targets, { DEV_URL: api.baseUrl, ...opts.var });
  if (flows.length + invalid.length === 0) throw new FailedError(`no flow files (*.json) in ${targets.join(', ')}`);
  if (invalid.length > 0) {
    if (opts.json) printJson(io, { pushed: [], invalid });
    else {
      for (const bad of invalid) io.out([`✗ ${bad.file}`, ...problemLines(bad.problems)].join('\n'));
      io.out(`nothing pushed: ${invalid.length} of ${flows.length + invalid.length} flow file(s) invalid`);
    }
    return EXIT.failed;
  }

  const pushed: PushReport[] = [];
  const failed: Array<FlowFileProblem & { status: number; error: string }> = [];
  let code: number = EXIT.ok;
  for (const { file, flow, document } of flows) {
    try {
      let saved: { id: string; flow_name: string; version?: number };
      let action: PushReport['action'] = 'updated';
      if (flow.id === undefined) {
        saved = await api.post('/v1/automation/flows', document);
        action = 'created';
      } else {
        try {
          saved = await api.put(`/v1/automation/flows/${segment(flow.id)}`, document);
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) throw err;
          saved = await api.post('/v1/automation/flows', document);
          action = 'created';
        }
      }
      pushed.push({ file, id: saved.id, flow_name: saved.flow_name, ...(saved.version !== undefined ? { version: saved.version } : {}), action });
      if (!opts.json) {
        io.out(`✓ ${action} flow "${saved.flow_name}" (${saved.id})${saved.version !== undefined ? ` version ${saved.version}` : ''} from ${file}`);
        if (flow.id === undefined) io.out(`    ${file} has no "id": every push creates another flow; add "id": "${saved.id}" to update this one instead`);
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      failed.push({ file, status: err.status, error: err.message, problems: err.problems });
      code = Math.max(code, err.exitCode);
      if (!opts.json) io.out([`✗ ${file}: ${err.message}`, ...problemLines(err.problems)].join('\n'));
    }
  }
  if (opts.json) printJson(io, { pushed, failed });
  else if (failed.length > 0) io.out(`${pushed.length} pushed, ${failed.length} refused by the API`);
  return code;
}

/** `autoflow flows validate|push`. */
export function registerFlowsCommand(program: Command, io: CliIo, result: CommandResult): void {
  const flows = program.command('flows').description('check flow files, and save them to a running API');
  flows
    .command('validate')
    .description('check flow files offline (exit 1 if any is invalid, listing every problem with its path)')
    .argument('[paths...]', 'flow files or directories of them', DEFAULT_PATHS)
    .option('--var <NAME=VALUE>', 'replace {{NAME}} before validating (repeatable; DEV_URL defaults to http://127.0.0.1:4870)', collectVar, {})
    .option('--json', 'machine-readable output: one JSON document on stdout', false)
    .action(async (paths: string[], opts: FlowFileOptions) => {
      result.code = await validateFlows(paths, opts, io);
    });
  withApiOptions(
    flows
      .command('push')
      .description('create or update flows on a running API, by id (nothing is pushed if any file is invalid)')
      .argument('[paths...]', 'flow files or directories of them', DEFAULT_PATHS)
      .option('--var <NAME=VALUE>', 'replace {{NAME}} before pushing (repeatable; DEV_URL defaults to the API URL)', collectVar, {}),
  ).action(async (paths: string[], opts: FlowFileOptions & ApiOptions) => {
    result.code = await pushFlows(paths, opts, io);
  });
}
