import { createHash, randomBytes } from 'node:crypto';

/**
 * Resume tokens name their execution (so the lookup key begins with the org, like every key)
 * and carry 192 random bits; only their sha256 is stored, with the pausing attempt's result.
 * Format: `<base64url org>.<execution id>.<action index>.<secret>`.
 */
export function newResumeToken(orgId: string, executionId: string, index: number): string {
  return `${Buffer.from(orgId).toString('base64url')}.${executionId}.${index}.${randomBytes(24).toString('base64url')}`;
}

export const hashResumeToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function parseResumeToken(token: string): { org_id: string; execution_id: string; index: number } | undefined {
  const parts = token.split('.');
  if (parts.length !== 4 || parts.some((p) => p.length === 0) || parts[3]!.length < 32) return undefined;
  const index = Number(parts[2]);
  if (!Number.isInteger(index) || index < 0) return undefined;
  const org = Buffer.from(parts[0]!, 'base64url').toString('utf8');
  if (!org) return undefined;
  return { org_id: org, execution_id: parts[1]!, index };
}
