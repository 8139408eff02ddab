import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const DOC = join(__dirname, '..', 'docs', 'performance.md');

/**
 * Replaces the section between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`
 * in docs/performance.md (appending it when missing). Benchmarks write their own figures;
 * nobody types them.
 */
export async function writeSection(name: string, markdown: string): Promise<void> {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  let doc = await readFile(DOC, 'utf8').catch(() => '# Performance\n');
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  doc = from !== -1 && to > from ? doc.slice(0, from) + block + doc.slice(to + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(DOC, doc);
}

export const machine = (): string => {
  const os = require('node:os') as typeof import('node:os');
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
};
