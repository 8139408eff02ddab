import type { Command } from 'commander';
import { signDevToken } from '@autoflow/api';
import type { CliIo } from './CliIo';
import { devSecret } from './devSecret';
import { EXIT, UsageError } from './errors';
import { parseDuration } from './options';
import { printJson } from './output';
import type { CommandResult } from './runCli';

export interface TokenOptions {
  org: string;
  /** HS256 secret (default: $AUTOFLOW_DEV_SECRET, else the dev default `autoflow dev` uses) */
  secret?: string;
  /** lifetime in seconds (default 12 h) */
  ttl?: number;
  /** `sub` claim (default dev:<org>) */
  subject?: string;
  json?: boolean;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/**
 * `autoflow token --org <id>`: prints an HS256 token for the embedded stack's API naming the org.
 * Only the token goes to stdout, so `export AUTOFLOW_TOKEN=$(pnpm -s autoflow token --org demo)` works.
 */
export async function printToken(opts: TokenOptions, io: CliIo): Promise<number> {
  const secret = opts.secret ?? devSecret(io.env);
  const ttl = opts.ttl ?? DEFAULT_TOKEN_TTL_SECONDS;
  const now = Math.floor(Date.now() / 1000);
  let token: string;
  try {
    token = await signDevToken(secret, opts.org, { expiresInSeconds: ttl, now, ...(opts.subject !== undefined ? { subject: opts.subject } : {}) });
  } catch (err) {
    // a secret under 32 bytes or an org id the API would refuse
    throw new UsageError((err as Error).message);
  }
  if (opts.json) printJson(io, { token, org_id: opts.org, subject: opts.subject ?? `dev:${opts.org}`, expires_at: new Date((now + ttl) * 1000).toISOString() });
  else io.out(token);
  return EXIT.ok;
}

/** `autoflow token`. */
export function registerTokenCommand(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('token')
    .description("print a bearer token for the embedded stack's API (HS256), naming one org")
    .requiredOption('--org <id>', 'the organisation the token names (its org_id claim)')
    .option('--secret <secret>', 'HS256 secret, at least 32 bytes (default: $AUTOFLOW_DEV_SECRET, else the dev default)')
    .option('--ttl <duration>', 'lifetime: seconds, or 30m, 12h, 7d (default 12h)', parseDuration)
    .option('--subject <sub>', 'sub claim: who the token stands for (default dev:<org>)')
    .option('--json', 'print {token, org_id, subject, expires_at}', false)
    .action(async (opts: TokenOptions) => {
      result.code = await printToken(opts, io);
    });
}
