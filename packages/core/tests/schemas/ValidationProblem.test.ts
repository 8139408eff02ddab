import { formatProblemPath, joinProblemPath } from '../../src/schemas';

describe('formatProblemPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], ''],
    [['flow_name'], 'flow_name'],
    [['actions', 2, 'config', 'url'], 'actions[2].config.url'],
    [['config', 'headers', 'X-Api-Key'], 'config.headers.X-Api-Key'],
    [['diff', 'added.first_name'], 'diff["added.first_name"]'],
    [['payload', 'Persönliche Daten'], 'payload["Persönliche Daten"]'],
    [['filter', '$or', 0], 'filter.$or[0]'],
    [[0, 'a'], '[0].a'],
  ])('formats %j as %s', (path, expected) => {
    expect(formatProblemPath(path)).toBe(expected);
  });
});

describe('joinProblemPath', () => {
  it.each([
    ['a.b', '', 'a.b'],
    ['a.b', 'c[0]', 'a.b.c[0]'],
    ['a.b', '[1].c', 'a.b[1].c'],
    ['', 'c', 'c'],
  ])('joins %j and %j as %j', (prefix, relative, expected) => {
    expect(joinProblemPath(prefix, relative)).toBe(expected);
  });
});
