import type { Clock, FlowCatalog, StoredFlow } from '../ports';

interface OrgCatalog {
  /** the org's flow-set version the entries were read under */
  version: number;
  /** when the version was last read */
  checkedAt: number;
  /** candidate flows per set of trigger-index keys (an event's keys) */
  byKeys: Map<string, StoredFlow[]>;
}

/**
 * The listener's memory of each org's candidate flows per set of trigger-index keys, so an event
 * whose keys were looked up before costs no read. It is valid while the org's flow-set version (bumped
 * by every save, delete and system disable) stays the same: the version is read again at most
 * every `refreshMs`, and a change made through the same store instance (the embedded stack,
 * where the API and the listener share it) drops the org's entries at once. A saved flow
 * therefore matches events read at most `refreshMs` later on AWS, and immediately on one machine.
 */
export class FlowCandidates {
  private readonly orgs = new Map<string, OrgCatalog>();

  constructor(
    private readonly flows: Pick<FlowCatalog, 'candidates' | 'catalogVersion' | 'onChange'>,
    private readonly clock: Clock,
    private readonly refreshMs: number,
    private readonly maxOrgs = 1_000,
  ) {
    flows.onChange?.((orgId) => this.orgs.delete(orgId));
  }

  async candidates(orgId: string, keys: readonly string[]): Promise<StoredFlow[]> {
    const now = this.clock.now();
    let catalog = this.orgs.get(orgId);
    if (!catalog || now - catalog.checkedAt >= this.refreshMs) {
      const version = await this.flows.catalogVersion(orgId);
      catalog = catalog?.version === version ? { ...catalog, checkedAt: now } : { version, checkedAt: now, byKeys: new Map() };
    }
    this.orgs.delete(orgId);
    this.orgs.set(orgId, catalog);
    while (this.orgs.size > this.maxOrgs) this.orgs.delete(this.orgs.keys().next().value!);

    const id = [...keys].sort().join('\n');
    let found = catalog.byKeys.get(id);
    if (!found) {
      // Read consistently, after the version: a flow saved before the version moved is in it.
      found = await this.flows.candidates(orgId, keys, { consistent: true });
      catalog.byKeys.set(id, found);
    }
    return found;
  }
}
