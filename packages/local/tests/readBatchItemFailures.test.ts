import { readBatchItemFailures } from '../src/pollers';

describe('readBatchItemFailures', () => {
  const ids = new Set(['m1', 'm2', 'm3']);

  it.each([
    { response: undefined, kind: 'success', why: 'no response' },
    { response: null, kind: 'success', why: 'a null response' },
    { response: {}, kind: 'success', why: 'an empty response object' },
    { response: { batchItemFailures: null }, kind: 'success', why: 'a null list' },
    { response: { batchItemFailures: [] }, kind: 'success', why: 'an empty list' },
    { response: 'ok', kind: 'invalid', why: 'a response that is not an object' },
    { response: [], kind: 'invalid', why: 'a bare list' },
    { response: { batchItemFailures: 'm1' }, kind: 'invalid', why: 'a list that is not a list' },
    { response: { batchItemFailures: ['m1'] }, kind: 'invalid', why: 'an entry that is not an object' },
    { response: { batchItemFailures: [{ itemIdentifier: '' }] }, kind: 'invalid', why: 'an empty identifier' },
    { response: { batchItemFailures: [{ itemIdentifier: null }] }, kind: 'invalid', why: 'a null identifier' },
    { response: { batchItemFailures: [{ id: 'm1' }] }, kind: 'invalid', why: 'a wrongly named key' },
    { response: { batchItemFailures: [{ itemIdentifier: 'm9' }] }, kind: 'invalid', why: 'an identifier not in the batch' },
  ])('reads $why as $kind', ({ response, kind }) => {
    expect(readBatchItemFailures(response, ids).kind).toBe(kind);
  });

  it('returns the failed identifiers of a valid partial response', () => {
    const reading = readBatchItemFailures({ batchItemFailures: [{ itemIdentifier: 'm3' }, { itemIdentifier: 'm1' }] }, ids);

    expect(reading).toEqual({ kind: 'partial', failed: new Set(['m1', 'm3']) });
  });
});
