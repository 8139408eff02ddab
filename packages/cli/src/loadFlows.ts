import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type AutomationFlow, parseFlow, validatePattern } from '@autoflow/core';

export interface LoadedFlow {
  file: string;
  flow: AutomationFlow;
}

export interface FlowFileProblem {
  file: string;
  problems: Array<{ path: string; message: string }>;
}

/**
 * Every `*.json` flow file in a directory or the given files (the JSON Schema file is skipped).
 * `vars` replaces `{{NAME}}` placeholders of the deployment (not flow templates) before parsing.
 */
export async function loadFlowFiles(paths: string[], vars: Record<string, string> = {}): Promise<{ flows: LoadedFlow[]; invalid: FlowFileProblem[] }> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p);
    if (info.isDirectory()) {
      for (const name of (await readdir(p)).sort()) if (name.endsWith('.json') && !name.endsWith('.schema.json')) files.push(join(p, name));
    } else files.push(p);
  }
  const flows: LoadedFlow[] = [];
  const invalid: FlowFileProblem[] = [];
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
    if (raw && typeof raw === 'object' && '$schema' in raw) delete (raw as Record<string, unknown>).$schema;
    const parsed = parseFlow(raw, { validatePattern });
    if (parsed.ok) flows.push({ file, flow: parsed.flow });
    else invalid.push({ file, problems: parsed.problems });
  }
  return { flows, invalid };
}
