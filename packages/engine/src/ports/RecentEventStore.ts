/** An event kept for a short while per entity, so a wait that registers just after it still sees it. */
export interface RecentEvent {
  event_id: string;
  type: string;
  /** when the listener handled it (epoch ms, the engine's clock) */
  received_at: number;
  /** the event document as triggers and patterns see it */
  event: Record<string, unknown>;
}

/**
 * The per-entity look-back buffer of waits and exits. Written only for events some flow of the
 * org listens to (an `exit_on` or a wait step), read when a wait step starts.
 */
export interface RecentEventStore {
  /** Keeps the event for the entity until `expiresAt`; keeping the same event twice changes nothing. */
  record(orgId: string, entityId: string, event: RecentEvent, expiresAt: number): Promise<void>;
  /** Events of the entity received at or after `from`, oldest first; expired ones are left out. */
  since(orgId: string, entityId: string, from: number, now: number): Promise<RecentEvent[]>;
}
