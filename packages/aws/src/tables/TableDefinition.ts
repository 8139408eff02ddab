/**
 * Tables declared once, as data. The CDK app creates them from these definitions and the
 * embedded stack creates the same tables in DynamoDB Local, so key names, indexes and streams
 * cannot drift apart.
 */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface IndexDefinition {
  name: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  projection: 'KEYS_ONLY' | 'ALL';
}

export interface TableDefinition {
  /** logical id; deployments prefix it with their stage */
  id: 'executions' | 'control' | 'entities';
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'KEYS_ONLY';
  ttlAttribute?: string;
  indexes: IndexDefinition[];
}

const pk: KeyAttribute = { name: 'pk', type: 'S' };
const sk: KeyAttribute = { name: 'sk', type: 'S' };

/**
 * Executions: one item collection per execution (`ORG#<org>#EXEC#<id>`): the compact state
 * (the only item updated per action), the flow snapshot, the entity snapshot, the trigger and
 * one result item per attempt. The stream drives the dispatcher.
 * Indexes are KEYS_ONLY with keys written once at creation, so per-action writes never touch
 * them; `active` is sparse (removed when the execution is final) and lets the sweeper read only
 * unfinished executions. Its partition key is a sweeper shard, not an org: it is a system view
 * across orgs, never served to a tenant.
 */
export const executionsTable: TableDefinition = {
  id: 'executions',
  partitionKey: pk,
  sortKey: sk,
  stream: 'NEW_AND_OLD_IMAGES',
  ttlAttribute: 'expires_at',
  indexes: [
    { name: 'active', partitionKey: { name: 'active_pk', type: 'S' }, sortKey: { name: 'created_sk', type: 'S' }, projection: 'KEYS_ONLY' },
    { name: 'byEntity', partitionKey: { name: 'entity_pk', type: 'S' }, sortKey: { name: 'created_sk', type: 'S' }, projection: 'KEYS_ONLY' },
    { name: 'byOrg', partitionKey: { name: 'org_pk', type: 'S' }, sortKey: { name: 'created_sk', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
};

/** Control: flows, the trigger index, email templates, webhook targets, counters, leases and bulk jobs. */
export const controlTable: TableDefinition = {
  id: 'control',
  partitionKey: pk,
  sortKey: sk,
  ttlAttribute: 'expires_at',
  indexes: [],
};

/** The built-in entity store; its stream becomes `entity_operation` events. Indexes are KEYS_ONLY: pages of keys, then one BatchGet. */
export const entitiesTable: TableDefinition = {
  id: 'entities',
  partitionKey: pk,
  sortKey: sk,
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    { name: 'bySchema', partitionKey: { name: 'schema_pk', type: 'S' }, sortKey: { name: 'pk', type: 'S' }, projection: 'KEYS_ONLY' },
    // bulk jobs page through an org's entities when their filter names no schema
    { name: 'byOrg', partitionKey: { name: 'org_pk', type: 'S' }, sortKey: { name: 'pk', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
};

export const TABLES = [executionsTable, controlTable, entitiesTable] as const;

export interface TableNames {
  executions: string;
  control: string;
  entities: string;
}

export const tableNamesFor = (prefix: string): TableNames => ({
  executions: `${prefix}-executions`,
  control: `${prefix}-control`,
  entities: `${prefix}-entities`,
});
