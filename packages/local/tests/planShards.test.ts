import { planShards, type ShardLineage, type ShardProgress } from '../src/pollers';

describe('planShards', () => {
  const root: ShardLineage = { shardId: 'root', closed: true };
  const left: ShardLineage = { shardId: 'left', parentShardId: 'root', closed: false };
  const right: ShardLineage = { shardId: 'right', parentShardId: 'root', closed: false };
  const orphan: ShardLineage = { shardId: 'orphan', parentShardId: 'trimmed-away', closed: false };
  const progress = (entries: [string, ShardProgress][] = []) => new Map(entries);

  it.each([
    {
      when: 'a first look with TRIM_HORIZON reads the root shard first and holds its children back',
      shards: [root, left, right],
      state: progress(),
      firstLook: true,
      position: 'TRIM_HORIZON' as const,
      start: [{ shardId: 'root', iteratorType: 'TRIM_HORIZON' }],
      skip: [],
    },
    {
      when: 'children start from their first record once the parent is finished',
      shards: [root, left, right],
      state: progress([['root', 'finished']]),
      firstLook: false,
      position: 'TRIM_HORIZON' as const,
      start: [
        { shardId: 'left', iteratorType: 'TRIM_HORIZON' },
        { shardId: 'right', iteratorType: 'TRIM_HORIZON' },
      ],
      skip: [],
    },
    {
      when: 'children keep waiting while the parent is still being read',
      shards: [root, left],
      state: progress([['root', 'reading']]),
      firstLook: false,
      position: 'TRIM_HORIZON' as const,
      start: [],
      skip: [],
    },
    {
      when: 'a shard whose parent is no longer listed (trimmed) is read at once',
      shards: [orphan],
      state: progress(),
      firstLook: true,
      position: 'TRIM_HORIZON' as const,
      start: [{ shardId: 'orphan', iteratorType: 'TRIM_HORIZON' }],
      skip: [],
    },
    {
      when: 'a child appears after its parent, already finished, has dropped off the listing',
      shards: [left],
      state: progress([['root', 'finished']]),
      firstLook: false,
      position: 'LATEST' as const,
      start: [{ shardId: 'left', iteratorType: 'TRIM_HORIZON' }],
      skip: [],
    },
    {
      when: 'a first look with LATEST skips closed shards and opens open ones at their tip',
      shards: [root, left, right],
      state: progress(),
      firstLook: true,
      position: 'LATEST' as const,
      start: [
        { shardId: 'left', iteratorType: 'LATEST' },
        { shardId: 'right', iteratorType: 'LATEST' },
      ],
      skip: ['root'],
    },
    {
      when: 'shards already being read or finished are left alone',
      shards: [root, left],
      state: progress([
        ['root', 'finished'],
        ['left', 'reading'],
      ]),
      firstLook: false,
      position: 'TRIM_HORIZON' as const,
      start: [],
      skip: [],
    },
  ])('$when', ({ shards, state, firstLook, position, start, skip }) => {
    expect(planShards(shards, state, firstLook, position)).toEqual({ start, skip });
  });
});
