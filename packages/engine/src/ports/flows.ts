import type { StoredFlow } from './model';

/** epilot's `searchFlows` query: flows of a schema or a trigger source, offset paging. */
export interface FlowSearchQuery {
  /** entity schema the flow reacts to */
  schema?: string;
  /** journey, frontend or API source of one of its triggers */
  trigger_source_id?: string;
  /** include flows started from workflows (`flows_trigger`); left out unless true */
  include_flows?: boolean;
  from: number;
  size: number;
}

/** What the hot path needs of flows: the listener's candidates, run counts and hot-flow disables. */
export interface FlowCatalog<Flow extends StoredFlow = StoredFlow> {
  get(orgId: string, flowId: string): Promise<Flow | undefined>;
  /** Flows filed under any of the index keys (see core `eventIndexKeys`); `consistent` reads strongly consistently. */
  candidates(orgId: string, indexKeys: readonly string[], options?: { consistent?: boolean }): Promise<Flow[]>;
  /** The org's flow-set version: it changes with every save, delete and system disable of one of its flows. */
  catalogVersion(orgId: string): Promise<number>;
  /** Calls `listener` after each change this store instance makes to an org's flows (in-process only). */
  onChange?(listener: (orgId: string) => void): void;
  incrementRuns(orgId: string, flowId: string, by?: number): Promise<void>;
  /** Disables a flow that went hot (`disabled_by: system`); false if it was already disabled. */
  disableBySystem(orgId: string, flowId: string, at: string): Promise<boolean>;
}

/** Flows as the API and bulk jobs manage them. */
export interface FlowRepository<Flow extends StoredFlow = StoredFlow> {
  get(orgId: string, flowId: string): Promise<Flow | undefined>;
  put(flow: Flow): Promise<Flow>;
  delete(orgId: string, flowId: string): Promise<boolean>;
  list(orgId: string): Promise<Flow[]>;
  /** The org's flows that answer the query (see `matchesFlowSearch`), newest first, one page, with the total. */
  search(orgId: string, query: FlowSearchQuery): Promise<{ total: number; results: Flow[] }>;
  /** The org's flows with these ids, in no particular order; unknown ids are left out. */
  batchGet(orgId: string, flowIds: readonly string[]): Promise<Flow[]>;
}

/** Both sides of the flow store, as one adapter provides them. */
export interface FlowStore<Flow extends StoredFlow = StoredFlow> extends FlowCatalog<Flow>, FlowRepository<Flow> {}
