import { type AutomationFlow, ConflictError, ValidationError } from '@autoflow/core';
import type { FlowSearchQuery, FlowStore, StoredFlow } from '../ports';
import type { ApiCaller } from './ApiCaller';
import { ForbiddenError, NotFoundError } from './errors';

/**
 * Flows of the caller's org: search, read, create, replace, delete. Flows arrive validated
 * (`parseFlow` at the HTTP edge); this service owns what the server sets: the org (from the
 * token, never from the body), ids, and who created and last changed the flow.
 */
export class FlowService {
  constructor(private readonly deps: { flows: FlowStore }) {}

  search(caller: ApiCaller, query: FlowSearchQuery): Promise<{ total: number; results: StoredFlow[] }> {
    return this.deps.flows.search(caller.org_id, query);
  }

  /** The flows with these ids, in the order asked for; ids of no flow of the org are left out. */
  async batchGet(caller: ApiCaller, ids: readonly string[]): Promise<{ total: number; results: StoredFlow[] }> {
    const unique = [...new Set(ids)];
    const found = new Map((await this.deps.flows.batchGet(caller.org_id, unique)).map((f) => [f.id, f]));
    const results = unique.map((id) => found.get(id)).filter((f): f is StoredFlow => f !== undefined);
    return { total: results.length, results };
  }

  async get(caller: ApiCaller, flowId: string): Promise<StoredFlow> {
    const flow = await this.deps.flows.get(caller.org_id, flowId);
    if (!flow) throw new NotFoundError(`flow ${flowId} not found`);
    return flow;
  }

  /**
   * Saves a new flow. A flow that brings its own `id` keeps it (so flows kept in files keep
   * their ids), unless the org already has a flow with that id: that one is replaced with PUT.
   */
  async create(caller: ApiCaller, flow: AutomationFlow): Promise<StoredFlow> {
    checkOrg(caller, flow);
    if (flow.id && (await this.deps.flows.get(caller.org_id, flow.id))) {
      throw new ConflictError(`flow ${flow.id} already exists; PUT /v1/automation/flows/${flow.id} replaces it`);
    }
    const { created_by: _c, last_updated_by: _u, ...rest } = flow;
    return this.deps.flows.put({
      ...(rest as unknown as StoredFlow),
      org_id: caller.org_id,
      ...(caller.subject ? { created_by: caller.subject, last_updated_by: caller.subject } : {}),
    });
  }

  /** Replaces an existing flow of the org; its runs, creation time and creator are kept. */
  async replace(caller: ApiCaller, flowId: string, flow: AutomationFlow): Promise<StoredFlow> {
    checkOrg(caller, flow);
    if (flow.id !== undefined && flow.id !== flowId) {
      throw new ValidationError('invalid flow', [{ path: 'id', message: `is "${flow.id}" but the path names flow "${flowId}"` }]);
    }
    const previous = await this.deps.flows.get(caller.org_id, flowId);
    if (!previous) throw new NotFoundError(`flow ${flowId} not found; POST /v1/automation/flows creates it`);
    const { created_by: _c, last_updated_by: _u, ...rest } = flow;
    return this.deps.flows.put({
      ...(rest as unknown as StoredFlow),
      id: flowId,
      org_id: caller.org_id,
      ...(typeof previous.created_by === 'string' ? { created_by: previous.created_by } : {}),
      ...(caller.subject ? { last_updated_by: caller.subject } : {}),
    });
  }

  async delete(caller: ApiCaller, flowId: string): Promise<void> {
    if (!(await this.deps.flows.delete(caller.org_id, flowId))) throw new NotFoundError(`flow ${flowId} not found`);
  }
}

function checkOrg(caller: ApiCaller, flow: AutomationFlow): void {
  if (flow.org_id !== undefined && flow.org_id !== caller.org_id) {
    throw new ForbiddenError(`the flow belongs to org "${flow.org_id}" but the token is for org "${caller.org_id}"`, [
      { path: 'org_id', message: `is "${flow.org_id}", not the token's org "${caller.org_id}"` },
    ]);
  }
}
