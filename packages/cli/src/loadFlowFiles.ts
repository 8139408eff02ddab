import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type AutomationFlow, parseFlow, validatePattern } from '@autoflow/core';
import { type Problem, UsageError } from './errors';

export interface LoadedFlow {
  file: string;
  /** the flow as validated */
  flow: AutomationFlow;
  /** the file's JSON as written (placeholders replaced, `$schema` removed): what is sent to the API */
  document: Record<string, unknown>;
}

export interface FlowFileProblem {
  file: string;
  problems: Problem[];
}

/**
 * Every `*.json` flow file of the given directories (the JSON Schema file is skipped) and files.
 * `vars` replaces `{{NAME}}` placeholders of the deployment (e.g. `{{DEV_URL}}`, not flow
 * templates such as `{{order_number}}`) before parsing. Each file is validated like the API
 * validates a flow (`parseFlow` with the trigger pattern check) and every problem is kept with
 * its path. Two files with the same `id` would overwrite each other, so that is a problem too.
 * A path that does not exist is a usage error.
 */
export async function loadFlowFiles(paths: readonly string[], vars: Readonly<Record<string, string>> = {}): Promise<{ flows: LoadedFlow[]; invalid: FlowFileProblem[] }> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info) throw new UsageError(`${p}: no such file or directory`);
    if (info.isDirectory()) {
      for (const name of (await readdir(p)).sort()) if (name.endsWith('.json') && !name.endsWith('.schema.json')) files.push(join(p, name));
    } else files.push(p);
  }
  const flows: LoadedFlow[] = [];
  const invalid: FlowFileProblem[] = [];
  const fileOfId = new Map<string, string>();
  for (const file of files) {
    let raw: unknown;
    try {
      let text = await readFile(file, 'utf8');
      for (const [name, value] of Object.entries(vars)) text = text.split(`{{${name}}}`).join(value);
      raw = JSON.parse(text);
    } catch (err) {
      invalid.push({ file, problems: [{ path: '', message: `not valid JSON: ${(err as Error).message}` }] });
      continue;
    }
    // `$schema` points editors at flow.schema.json; it is not part of the flow
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && '$schema' in raw) delete (raw as Record<string, unknown>).$schema;
    const parsed = parseFlow(raw, { validatePattern });
    if (!parsed.ok) {
      invalid.push({ file, problems: parsed.problems });
      continue;
    }
    const id = parsed.flow.id;
    const other = id === undefined ? undefined : fileOfId.get(id);
    if (id !== undefined && other !== undefined) {
      invalid.push({ file, problems: [{ path: 'id', message: `"${id}" is also the id of the flow in ${other}` }] });
      continue;
    }
    if (id !== undefined) fileOfId.set(id, file);
    flows.push({ file, flow: parsed.flow, document: raw as Record<string, unknown> });
  }
  return { flows, invalid };
}
