/**
 * Every key is built here, one function per item kind, and every base-table key begins with
 * the org. Nothing else in the code base concatenates key strings.
 */
const pad = (n: number): string => String(n).padStart(4, '0');

export const executionKeys = {
  collection: (org: string, executionId: string) => `ORG#${org}#EXEC#${executionId}`,
  state: (org: string, executionId: string) => ({ pk: executionKeys.collection(org, executionId), sk: 'STATE' }),
  flow: (org: string, executionId: string) => ({ pk: executionKeys.collection(org, executionId), sk: 'FLOW' }),
  entity: (org: string, executionId: string) => ({ pk: executionKeys.collection(org, executionId), sk: 'ENTITY' }),
  trigger: (org: string, executionId: string) => ({ pk: executionKeys.collection(org, executionId), sk: 'TRIGGER' }),
  resultPrefix: 'RESULT#',
  result: (org: string, executionId: string, index: number, attempt: number) => ({
    pk: executionKeys.collection(org, executionId),
    sk: `RESULT#${pad(index)}#${pad(attempt)}`,
  }),
  /** sweeper shards spread the sparse active index over a few partitions */
  activeShards: 4,
  activePk: (shard: number) => `ACTIVE#${shard}`,
  entityPk: (org: string, entityId: string) => `ORG#${org}#ENTITY#${entityId}`,
  orgPk: (org: string) => `ORG#${org}`,
  createdSk: (createdAt: number, executionId: string) => `${new Date(createdAt).toISOString()}#${executionId}`,
  parseCollection: (pk: string): { org: string; executionId: string } | undefined => {
    const m = /^ORG#(.+)#EXEC#([^#]+)$/.exec(pk);
    return m ? { org: m[1]!, executionId: m[2]! } : undefined;
  },
};

export const controlKeys = {
  orgPk: (org: string) => `ORG#${org}`,
  flow: (org: string, flowId: string) => ({ pk: `ORG#${org}`, sk: `FLOW#${flowId}` }),
  flowPrefix: 'FLOW#',
  triggerIndex: (org: string, indexKey: string, flowId: string) => ({ pk: `ORG#${org}#TRIGIDX#${indexKey}`, sk: `FLOW#${flowId}` }),
  triggerIndexPk: (org: string, indexKey: string) => `ORG#${org}#TRIGIDX#${indexKey}`,
  /** the org's flow-set version, moved by every change to its flows */
  flowSetVersion: (org: string) => ({ pk: `ORG#${org}#FLOWS`, sk: 'VERSION' }),
  emailTemplate: (org: string, id: string) => ({ pk: `ORG#${org}`, sk: `EMAILTPL#${id}` }),
  webhookTarget: (org: string, id: string) => ({ pk: `ORG#${org}`, sk: `WEBHOOK#${id}` }),
  slotCounter: (org: string) => ({ pk: `ORG#${org}#SLOTS`, sk: 'COUNT' }),
  slotHolder: (org: string, executionId: string) => ({ pk: `ORG#${org}#SLOTS`, sk: `HOLDER#${executionId}` }),
  entityLock: (org: string, entityId: string) => ({ pk: `ORG#${org}#LOCK#${entityId}`, sk: 'LOCK' }),
  waitQueue: (org: string, queue: string) => `ORG#${org}#WAITQ#${queue}`,
  waiter: (org: string, queue: string, position: string) => ({ pk: `ORG#${org}#WAITQ#${queue}`, sk: position }),
  counter: (org: string, key: string, windowStart: number) => ({ pk: `ORG#${org}#COUNTER#${key}`, sk: String(windowStart) }),
};

export const entityKeys = {
  entity: (org: string, entityId: string) => ({ pk: `ORG#${org}#ENTITY#${entityId}`, sk: 'ENTITY' }),
  entityPrefix: (org: string) => `ORG#${org}#ENTITY#`,
  schemaPk: (org: string, schema: string) => `ORG#${org}#SCHEMA#${schema}`,
  orgPk: (org: string) => `ORG#${org}`,
};

/** Bulk jobs live in the control table: one item collection per job (the job, then a row per entity). */
export const bulkKeys = {
  collection: (org: string, jobId: string) => `ORG#${org}#BULK#${jobId}`,
  job: (org: string, jobId: string) => ({ pk: bulkKeys.collection(org, jobId), sk: 'JOB' }),
  entityPrefix: 'ENT#',
  entity: (org: string, jobId: string, entityId: string) => ({ pk: bulkKeys.collection(org, jobId), sk: `ENT#${entityId}` }),
};

/**
 * Durable timers of the embedded stack live in the control table: one small item per armed
 * timer in the org's timer collection, deleted once it fired or was disarmed. The sort key is
 * the timer's name (execution, slot, fencing seq), so arming twice writes the same item.
 */
export const timerKeys = {
  collection: (org: string) => `ORG#${org}#TIMERS`,
  /** every timer item's sort key begins with it (what the start-up scan filters on) */
  prefix: 'TIMER#',
  timer: (org: string, name: string) => ({ pk: timerKeys.collection(org), sk: `${timerKeys.prefix}${name}` }),
};

/**
 * The look-back buffer of waits: events some flow listens to, kept a few minutes per entity
 * in the control table, sorted by when the listener handled them.
 */
export const recentEventKeys = {
  collection: (org: string, entityId: string) => `ORG#${org}#RECENT#${entityId}`,
  event: (org: string, entityId: string, receivedAt: number, eventId: string) => ({
    pk: recentEventKeys.collection(org, entityId),
    sk: `${new Date(receivedAt).toISOString()}#${eventId}`,
  }),
  /** the smallest sort key of events received at or after `at` */
  from: (at: number) => new Date(at).toISOString(),
};
