import { triggerIndexKeys } from './compileTrigger';

/** Event types whose index keys include a catch-all `<type>#*` key (see `eventIndexKeys`). */
const LISTENABLE_TYPES = ['entity_operation', 'activity', 'journey_submission', 'frontend_submission', 'api_submission', 'received_email'] as const;

interface ListeningFlow {
  exit_on?: Array<{ event?: unknown }> | undefined;
  actions?: Array<{ type?: unknown; config?: unknown }> | undefined;
}

/** The event patterns a flow listens to while its executions run: its `exit_on` rules and its wait steps. */
export function listenPatterns(flow: ListeningFlow): Array<{ kind: 'exit'; rule: number; pattern: Record<string, unknown> } | { kind: 'wait'; action: number; pattern: Record<string, unknown> }> {
  const out: ReturnType<typeof listenPatterns> = [];
  (flow.exit_on ?? []).forEach((rule, i) => {
    if (rule.event && typeof rule.event === 'object') out.push({ kind: 'exit', rule: i, pattern: rule.event as Record<string, unknown> });
  });
  (flow.actions ?? []).forEach((action, i) => {
    const event = action.type === 'wait' ? (action.config as { event?: unknown } | undefined)?.event : undefined;
    if (event && typeof event === 'object') out.push({ kind: 'wait', action: i, pattern: event as Record<string, unknown> });
  });
  return out;
}

/**
 * Index keys under which a flow is filed for the events it listens to: the catch-all key of each
 * event type its patterns name (`received_email#*`), or of every type when a pattern leaves the
 * type open. The listener looks these keys up for every event anyway, so listening costs no
 * extra read.
 */
export function listenIndexKeys(flow: ListeningFlow): string[] {
  const keys = new Set<string>();
  for (const { pattern } of listenPatterns(flow)) {
    const types = pattern.type;
    const named = Array.isArray(types) && types.length > 0 && types.every((t) => typeof t === 'string' && (LISTENABLE_TYPES as readonly string[]).includes(t));
    for (const type of named ? (types as string[]) : LISTENABLE_TYPES) keys.add(`${type}#*`);
  }
  return [...keys];
}

/** Every index key of a flow: those of its triggers and those of what it listens to. */
export function flowIndexKeys(flow: ListeningFlow & { triggers?: ReadonlyArray<{ type: string; configuration?: Record<string, unknown> }> | undefined }): string[] {
  return [...new Set([...(flow.triggers ?? []).flatMap((t) => triggerIndexKeys(t as Parameters<typeof triggerIndexKeys>[0])), ...listenIndexKeys(flow)])];
}
