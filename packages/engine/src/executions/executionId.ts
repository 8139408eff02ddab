import { createHash } from 'node:crypto';

/**
 * The execution id is derived from (org, event id, flow id), so a redelivered event maps to the
 * same id and can never create a second execution. Formatted as a UUID (version nibble 5 style)
 * so clients that expect UUIDs are happy.
 */
export function executionIdFor(orgId: string, eventId: string, flowId: string): string {
  const h = createHash('sha256').update(`${orgId}\u0000${eventId}\u0000${flowId}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
