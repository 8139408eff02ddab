/** Who calls the API: the org named by the bearer token, and the token's subject when it has one. */
export interface ApiCaller {
  org_id: string;
  subject?: string;
}

/** The caller as recorded on activities and trigger events (epilot's `caller`). */
export function callerInfo(caller: ApiCaller): Record<string, unknown> {
  return { org_id: caller.org_id, ...(caller.subject ? { subject: caller.subject } : {}), source: 'api' };
}
