/** The part of a DescribeStream shard that decides when it may be read. */
export interface ShardLineage {
  shardId: string;
  parentShardId?: string;
  /** The shard has an EndingSequenceNumber: no new record will be written to it. */
  closed: boolean;
}

export type ShardProgress = 'reading' | 'finished';

export interface ShardPlan {
  /** Shards to open now, with the iterator type to open them at. */
  start: { shardId: string; iteratorType: 'TRIM_HORIZON' | 'LATEST' }[];
  /** Shards to mark finished without reading (history before a LATEST start). */
  skip: string[];
}

/**
 * Decides which shards a stream poller may start reading, the way Lambda does:
 * - a child shard is read only after its parent has been read to its end, so records of one key
 *   stay in order across a shard split; a parent that is no longer listed (trimmed) or that this
 *   poller has already finished does not block its child;
 * - at the first look with LATEST, closed shards hold only the past and are skipped, and open
 *   shards are read from their tip;
 * - everything else (first look with TRIM_HORIZON, and every shard that appears later) is read
 *   from its first record.
 * Pure: the caller keeps the progress map and applies the plan.
 */
export function planShards(
  shards: readonly ShardLineage[],
  progress: ReadonlyMap<string, ShardProgress>,
  firstLook: boolean,
  startingPosition: 'TRIM_HORIZON' | 'LATEST',
): ShardPlan {
  const plan: ShardPlan = { start: [], skip: [] };
  const listed = new Set(shards.map((s) => s.shardId));

  if (firstLook && startingPosition === 'LATEST') {
    for (const shard of shards) {
      if (progress.has(shard.shardId)) continue;
      if (shard.closed) plan.skip.push(shard.shardId);
      else plan.start.push({ shardId: shard.shardId, iteratorType: 'LATEST' });
    }
    return plan;
  }

  for (const shard of shards) {
    if (progress.has(shard.shardId)) continue;
    const parent = shard.parentShardId;
    const parentDone =
      parent === undefined || progress.get(parent) === 'finished' || (!listed.has(parent) && !progress.has(parent));
    if (parentDone) plan.start.push({ shardId: shard.shardId, iteratorType: 'TRIM_HORIZON' });
  }
  return plan;
}
