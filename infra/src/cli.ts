import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** `-c key=value` / `--context key=value` arguments, as the CDK CLI reads them. */
export function contextFromArgs(args: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = arg === '-c' || arg === '--context' ? args[++i] : arg.startsWith('--context=') ? arg.slice('--context='.length) : undefined;
    if (value === undefined) continue;
    const eq = value.indexOf('=');
    if (eq <= 0) throw new Error(`context argument must be key=value, got ${JSON.stringify(value)}`);
    context[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return context;
}

/** Errors and warnings the constructs and cdk-nag attached to the synthesized stacks. */
export function problemsOf(assembly: CloudAssembly): Array<{ level: 'error' | 'warning'; path: string; message: string }> {
  const out: Array<{ level: 'error' | 'warning'; path: string; message: string }> = [];
  for (const stack of assembly.stacks) {
    for (const message of stack.messages) {
      if (message.level === 'error' || message.level === 'warning') out.push({ level: message.level, path: message.id, message: String(message.entry.data) });
    }
  }
  return out;
}
