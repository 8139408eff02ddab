import { type Command, InvalidArgumentError } from 'commander';

/** `--api`, `--token` and `--json`: every command that talks to a running API has them. */
export function withApiOptions(command: Command): Command {
  return command
    .option('--api <url>', 'base URL of the API (default: $AUTOFLOW_API_URL, else http://127.0.0.1:4870)')
    .option('--token <jwt>', 'bearer token naming the org (default: $AUTOFLOW_TOKEN)')
    .option('--json', 'machine-readable output: one JSON document on stdout', false);
}

export const parsePort = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a port number (0 = any free port)');
  return n;
};

export const parsePositiveSeconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of seconds greater than 0');
  return n;
};

/** `3600`, `90s`, `30m`, `12h`, `7d` → seconds. */
export const parseDuration = (value: string): number => {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('must be a duration such as 3600, 90s, 30m, 12h or 7d');
  const n = Number(match[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86_400 } as const)[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (n <= 0) throw new InvalidArgumentError('must be longer than 0 seconds');
  return n;
};

/** A repeatable `KEY=VALUE` option collected into a record; `isKey` says which keys it takes. */
const pairCollector =
  (isKey: (key: string) => boolean, usage: string) =>
  (value: string, previous: Record<string, string> = {}): Record<string, string> => {
    const eq = value.indexOf('=');
    if (eq <= 0 || !isKey(value.slice(0, eq))) throw new InvalidArgumentError(usage);
    return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
  };

/** `NAME=VALUE` for `--var`. */
export const collectVar = pairCollector((key) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key), 'must be NAME=VALUE, e.g. DEV_URL=http://127.0.0.1:4870');

/** `KEY=VALUE` for `--context`: any non-empty key (trigger context keys are free text). */
export const collectContext = pairCollector(() => true, 'must be KEY=VALUE, e.g. campaign=spring-2026');

export const parseMilliseconds = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 50) throw new InvalidArgumentError('must be a whole number of milliseconds, at least 50');
  return n;
};
