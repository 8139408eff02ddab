import { createApp, hs256Authenticator } from '@autoflow/api';
import { createApiServices } from '@autoflow/engine';
import fc from 'fast-check';
import { sign } from 'hono/utils/jwt/jwt';
import { TEST_SECRET, useApi } from './support/apiHarness';
import { manualFlow } from './support/flows';

const JSON_HEADERS = { 'content-type': 'application/json' };
const validFlow = () => manualFlow('http://127.0.0.1:9', '/hook');

/**
 * Whatever a client sends, the answer is a 4xx in the `{status, error}` shape whose message
 * says what is wrong (with paths for invalid documents), nothing is logged as a server error,
 * and the server goes on answering.
 */
describe('bad input', () => {
  const env = useApi();
  const org = 'careless-org';
  let auth: Record<string, string>;

  beforeAll(async () => {
    auth = { authorization: `Bearer ${await env.token(org)}` };
  });

  const expectClientError = (res: { status: number; body: any }, status: number, message: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status, error: expect.stringMatching(message) });
  };

  describe('documents', () => {
    it('answers 400 for a body that is not JSON', async () => {
      const res = await env.raw('POST', '/v1/automation/flows', { body: '{"flow_name": "x",', headers: { ...auth, ...JSON_HEADERS } });
      expectClientError(res, 400, /not valid JSON/);
    });

    it('answers 400 with the path of every field of the wrong type', async () => {
      const res = await env.call(org, 'POST', '/v1/automation/flows', { flow_name: 42, triggers: {}, actions: [{ type: 'trigger-webhook', config: { url: 7 } }] });
      expectClientError(res, 400, /^invalid request body: /);
      expect(res.body.problems).toEqual(
        expect.arrayContaining([
          { in: 'body', path: 'flow_name', message: 'expected a string, received the number 42' },
          { in: 'body', path: 'triggers', message: 'expected an array, received an object' },
          expect.objectContaining({ in: 'body', path: 'actions[0].config.url' }),
        ]),
      );
    });

    it('answers 400 listing every unknown field of a flow, with the field that was meant', async () => {
      const res = await env.call(org, 'POST', '/v1/automation/flows', {
        ...validFlow(),
        max_execution: { count: 1, window: 'PT1M' },
        actions: [{ id: 'call', type: 'trigger-webhook', alow_failure: true, config: { url: 'http://127.0.0.1:9/x' } }],
      });
      expectClientError(res, 400, /max_execution/);
      expect(res.body.problems).toEqual([
        { in: 'body', path: 'actions[0].alow_failure', message: 'is not a known field (did you mean "allow_failure"?)' },
        { in: 'body', path: 'max_execution', message: 'is not a known field (did you mean "max_executions"?)' },
      ]);
    });

    it('answers 400 with the path of every invalid trigger filter pattern', async () => {
      const res = await env.call(org, 'POST', '/v1/automation/flows', {
        flow_name: 'bad patterns',
        triggers: [
          {
            type: 'entity_operation',
            configuration: {
              schema: 'order',
              filter_config: { operation: { payload: { status: [{ prefx: 'A' }] }, diff: { updated: { amount: [{ numeric: ['>>', 1] }] } } } },
            },
          },
        ],
        actions: [],
      });
      expectClientError(res, 400, /prefx/);
      expect(res.body.problems.map((p: any) => p.path)).toEqual([
        'triggers[0].configuration.filter_config.operation.payload.status[0].prefx',
        expect.stringMatching(/^triggers\[0\]\.configuration\.filter_config\.operation\.diff\.updated\.amount\[0\]/),
      ]);
    });

    it('answers 400 for an invalid event, naming the event and the field', async () => {
      const res = await env.call(org, 'POST', '/v1/automation/events', [
        { event_id: 'ok-1', type: 'activity', activity: { type: 'Called' } },
        { event_id: 'bad-1', type: 'entity_operation', orgId: org, entity: { _id: 'e-1', _schema: 'order' } },
      ]);
      expectClientError(res, 400, /\[1\]/);
      expect(res.body.problems).toEqual(
        expect.arrayContaining([
          { in: 'body', path: '[1].orgId', message: 'is not a known field (did you mean "org_id"?)' },
          { in: 'body', path: '[1].operation', message: 'is required when type is "entity_operation"' },
        ]),
      );
    });

    it('answers 400 for an unknown retry strategy and 415 for a body that is not JSON at all', async () => {
      expectClientError(await env.call(org, 'POST', '/v1/automation/executions/x/y/retrigger', { retry_strategy: 'TRY_HARDER' }), 400, /retry_strategy/);
      expectClientError(await env.raw('POST', '/v1/automation/flows', { body: 'flow_name=x', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' } }), 415, /must be JSON/);
    });

    it('answers 400 for JSON nested deeper than 24 levels, which DynamoDB could not store', async () => {
      const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
      for (const depth of [24, 20_000]) {
        const res = await env.raw('POST', '/v1/entities/thing', { body: `{"nested":${nested(depth)}}`, headers: { ...auth, ...JSON_HEADERS } });
        expectClientError(res, 400, /nested more than 24 levels deep/);
      }
      const ok = await env.raw('POST', '/v1/entities/thing', { body: `{"nested":${nested(23)}}`, headers: { ...auth, ...JSON_HEADERS } });
      expect(ok.status).toBe(201);
    });

    it('answers 400 with paths for what DynamoDB cannot store: empty keys and numbers out of its range', async () => {
      const res = await env.raw('POST', '/v1/entities/thing', { body: '{"meta":{"":1},"amount":1e20,"rate":1e-200}', headers: { ...auth, ...JSON_HEADERS } });
      expectClientError(res, 400, /cannot be stored/);
      expect(res.body.problems).toEqual(
        expect.arrayContaining([
          { in: 'body', path: 'meta', message: 'has an empty key ("")' },
          { in: 'body', path: 'amount', message: expect.stringMatching(/cannot store exactly/) },
          { in: 'body', path: 'rate', message: expect.stringMatching(/cannot store exactly/) },
        ]),
      );
    });
  });

  describe('sizes', () => {
    it('answers 413 for a request body over 1 MiB', async () => {
      const res = await env.raw('POST', '/v1/automation/events', { body: JSON.stringify({ event_id: 'big', type: 'activity', activity: { type: 'x' }, payload: { blob: 'x'.repeat(1_100_000) } }), headers: { ...auth, ...JSON_HEADERS } });
      expectClientError(res, 413, /larger than 1048576 bytes/);
    });

    it('answers 413 for an event over 256 KB, naming it', async () => {
      const res = await env.call(org, 'POST', '/v1/automation/events', [
        { event_id: 'small', type: 'activity', activity: { type: 'x' } },
        { event_id: 'big', type: 'activity', activity: { type: 'x' }, payload: { blob: 'x'.repeat(300_000) } },
      ]);
      expectClientError(res, 413, /size limit/);
      expect(res.body.problems).toEqual([{ in: 'body', path: '[1]', message: expect.stringMatching(/over the limit of 262144 bytes/) }]);
    });

    it('answers 413 for an entity over 100 KB', async () => {
      expectClientError(await env.call(org, 'POST', '/v1/entities/thing', { notes: 'x'.repeat(120_000) }), 413, /limit of 102400 bytes/);
    });
  });

  describe('requests', () => {
    it.each([
      ['a page size of 0', '/v1/automation/flows?size=0', /size: must be at least 1/],
      ['a page size that is not a number', '/v1/automation/executions?entity_id=e-1&size=ten', /size: must be a whole number/],
      ['a listing without entity_id', '/v1/automation/executions', /entity_id: is required/],
      ['an unknown query parameter', '/v1/automation/flows?shema=order', /shema: is not a known field/],
      ['an id with "#"', '/v1/automation/flows/a%23b', /flow_id: must not contain "#"/],
    ])('answers 400 for %s', async (_what, path, message) => {
      expectClientError(await env.call(org, 'GET', path), 400, message);
    });

    it('answers 404 in JSON for a route that does not exist', async () => {
      expect(await env.call(org, 'GET', '/v1/automation/flowz')).toMatchObject({ status: 404, body: { status: 404, error: 'no route for GET /v1/automation/flowz' } });
      expect(await env.call(org, 'PATCH', '/v1/automation/flows')).toMatchObject({ status: 404, body: { status: 404 } });
    });

    it('answers 404 for what the org does not have, and 409 for what cannot be done to it', async () => {
      expectClientError(await env.call(org, 'GET', '/v1/automation/executions/nope'), 404, /execution nope not found/);
      expectClientError(await env.call(org, 'DELETE', '/v1/automation/executions/nope/schedules/s-1'), 404, /execution nope not found/);
      const flow = (await env.call(org, 'POST', '/v1/automation/flows', { ...validFlow(), enabled: false })).body;
      await env.call(org, 'POST', '/v1/entities/thing', { _id: 'thing-1' });
      expectClientError(await env.call(org, 'POST', '/v1/automation/executions', { flow_id: flow.id, entity_id: 'thing-1' }), 409, /is disabled/);
      expectClientError(await env.call(org, 'POST', '/v1/automation/flows', { ...validFlow(), id: flow.id }), 409, /already exists/);
      expectClientError(await env.call(org, 'POST', '/v1/entities/thing', { _id: 'thing-1' }), 409, /already exists/);
    });
  });

  describe('bulk jobs', () => {
    const BULK = '/v1/automation/executions/bulk-jobs';
    const refs = [{ entity_id: 'thing-1', entity_schema: 'thing' }];
    let flowId = '';

    beforeAll(async () => {
      flowId = (await env.call(org, 'POST', '/v1/automation/flows', validFlow())).body.id;
    });

    it.each([
      ['none of them', {}, /must have exactly one of entities_refs, entities_query, entities_filter$/],
      ['two of them', { entities_refs: refs, entities_filter: [{ term: { _schema: 'thing' } }] }, /\(got entities_refs and entities_filter\)/],
    ])('answers 400 with a problem of the whole request when it names %s of entities_refs, entities_query, entities_filter', async (_what, selection, message) => {
      const res = await env.call(org, 'POST', BULK, { flow_id: flowId, ...selection });
      expectClientError(res, 400, /^invalid bulk job request/);
      expect(res.body.problems).toEqual([{ in: 'body', path: '', message: expect.stringMatching(message) }]);
    });

    it('answers 400 with the path into entities_filter of a misspelled clause', async () => {
      const res = await env.call(org, 'POST', BULK, { flow_id: flowId, entities_filter: [{ term: { _schema: 'thing' } }, { rnage: { price: { gte: 10 } } }] });
      expectClientError(res, 400, /entities_filter\[1\]\.rnage/);
      expect(res.body.problems).toEqual(
        expect.arrayContaining([
          { in: 'body', path: 'entities_filter[1].rnage', message: expect.stringMatching(/is not a known field/) },
          { in: 'body', path: 'entities_filter[1]', message: expect.stringMatching(/must hold one clause/) },
        ]),
      );
    });

    it.each([
      ['free text', 'hello', /free text hello/],
      ['a wildcard', 'foo*', /free text foo\*/],
      ['a wildcard value', 'status:act*', /wildcard act\* at character 8/],
      ['AND and OR without parentheses', '_schema:thing AND status:a OR status:b', /add parentheses/],
      ['a dangling operator', 'status:active AND', /nothing on its right/],
    ])('answers 400 at path entities_query for a Lucene query with %s', async (_what, query, message) => {
      const res = await env.call(org, 'POST', BULK, { flow_id: flowId, entities_query: query });
      expectClientError(res, 400, /^invalid bulk job request/);
      expect(res.body.problems).toEqual([{ in: 'body', path: 'entities_query', message: expect.stringMatching(message) }]);
    });

    it.each([
      ['an action other than APPROVE or CANCEL', { action: 'DELETE', task_token: 't' }, 'action'],
      ['no task_token', { action: 'APPROVE' }, 'task_token'],
      ['an empty task_token', { action: 'CANCEL', task_token: '' }, 'task_token'],
    ])('answers 400 for a PATCH with %s', async (_what, patch, path) => {
      const res = await env.call(org, 'PATCH', `${BULK}/job-1`, patch);
      expectClientError(res, 400, new RegExp(`^invalid request body: ${path}`));
      expect(res.body.problems).toEqual([{ in: 'body', path, message: expect.any(String) }]);
    });

    it('answers 400 for a page size out of range', async () => {
      expectClientError(await env.call(org, 'GET', `${BULK}/job-1?size=0`), 400, /size: must be at least 1/);
      expectClientError(await env.call(org, 'GET', `${BULK}/job-1?size=101`), 400, /size: must be at most 100/);
    });

    it('answers 404 for a job or a flow the org does not have, and 409 for a disabled flow', async () => {
      expectClientError(await env.call(org, 'GET', `${BULK}/no-such-job`), 404, /bulk job no-such-job not found/);
      expectClientError(await env.call(org, 'PATCH', `${BULK}/no-such-job`, { action: 'APPROVE', task_token: 't' }), 404, /bulk job no-such-job not found/);
      expectClientError(await env.call(org, 'PATCH', `${BULK}/no-such-job`, { action: 'CANCEL', task_token: 't' }), 404, /bulk job no-such-job not found/);
      expectClientError(await env.call(org, 'POST', BULK, { flow_id: 'no-such-flow', entities_refs: refs }), 404, /flow no-such-flow not found/);
      const disabled = (await env.call(org, 'POST', '/v1/automation/flows', { ...validFlow(), enabled: false })).body;
      expectClientError(await env.call(org, 'POST', BULK, { flow_id: disabled.id, entities_refs: refs }), 409, /is disabled/);
    });

    it('answers 501 where the deployment has no bulk runner, saying why', async () => {
      const { stack } = env;
      const withoutBulk = createApp({ services: createApiServices({ ...stack.stores, ingress: stack.ingress, clock: stack.clock }), authenticate: hs256Authenticator(TEST_SECRET) });
      const send = async (method: string, path: string, body: unknown) => {
        const res = await withoutBulk.request(path, { method, body: JSON.stringify(body), headers: { ...auth, ...JSON_HEADERS } });
        return { status: res.status, body: await res.json() };
      };
      expectClientError(await send('POST', BULK, { flow_id: flowId, entities_refs: refs }), 501, /no bulk runner/);
      expectClientError(await send('GET', `${BULK}/job-1`, undefined), 501, /no bulk runner/);
      expectClientError(await send('PATCH', `${BULK}/job-1`, { action: 'APPROVE', task_token: 't' }), 501, /no bulk runner/);
    });
  });

  describe('tokens', () => {
    const now = () => Math.floor(Date.now() / 1000);
    it.each([
      ['no Authorization header', async () => undefined, /missing bearer token/],
      ['a scheme other than Bearer', async () => 'Basic dXNlcjpwYXNz', /must be "Bearer <JWT>"/],
      ['a token that is not a JWT', async () => 'Bearer not-a-jwt', /not a valid JWT/],
      ['a token signed with another secret', async () => `Bearer ${await sign({ org_id: org, exp: now() + 60 }, 'x'.repeat(40), 'HS256')}`, /signature does not verify/],
      ['an expired token', async () => `Bearer ${await sign({ org_id: org, exp: now() - 10 }, TEST_SECRET, 'HS256')}`, /expired/],
      ['a token without org_id', async () => `Bearer ${await sign({ sub: 'someone', exp: now() + 60 }, TEST_SECRET, 'HS256')}`, /no org_id claim/],
      ['a token whose org_id could reach into other keys', async () => `Bearer ${await sign({ org_id: 'a#EXEC#b', exp: now() + 60 }, TEST_SECRET, 'HS256')}`, /not a valid org id/],
      ['a token that never expires', async () => `Bearer ${await sign({ org_id: org }, TEST_SECRET, 'HS256')}`, /no expiry/],
      ['an unsigned token (alg none)', async () => `Bearer ${unsigned({ org_id: org, exp: now() + 60 })}`, /not a valid JWT|algorithm/],
    ])('answers 401 for %s', async (_what, header, message) => {
      const value = await header();
      const res = await env.raw('GET', '/v1/automation/flows', { headers: value ? { authorization: value } : {} });
      expectClientError(res, 401, message);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('checks the token before the body, so an unauthenticated client learns nothing about it', async () => {
      expectClientError(await env.call(null, 'POST', '/v1/automation/flows', { bogus: true }), 401, /missing bearer token/);
    });
  });

  describe('random bodies', () => {
    const routes: Array<[string, string]> = [
      ['POST', '/v1/automation/flows'],
      ['PUT', '/v1/automation/flows/f-1'],
      ['POST', '/v1/automation/flows:batchGet'],
      ['POST', '/v1/automation/executions'],
      ['POST', '/v1/automation/executions:search'],
      ['POST', '/v1/automation/executions/e-1/a-1/retrigger'],
      ['POST', '/v1/automation/public/executions:resume'],
      ['POST', '/v1/automation/events'],
      ['POST', '/v1/entities/thing'],
      ['PATCH', '/v1/entities/thing/t-1'],
      ['POST', '/v1/automation/executions/bulk-jobs'],
      ['PATCH', '/v1/automation/executions/bulk-jobs/job-1'],
    ];
    const bodies = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      fc.record({ event_id: fc.string(), type: fc.constantFrom('activity', 'manual', 'entity_operation'), activity: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    );

    it.each(routes)('never answers %s %s with a server error', async (method, path) => {
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const res = await env.raw(method, path, { body, headers: { ...auth, ...JSON_HEADERS } });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(res.body).toMatchObject({ status: res.status, error: expect.any(String) });
        }),
        { numRuns: 40 },
      );
    });

    it('never answers a bulk job with a server error, whatever its entities_query', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string(), fc.stringMatching(/^[\w:*()"\[\]{}<>=!~^ -]{1,40}$/)), async (query) => {
          const res = await env.call(org, 'POST', '/v1/automation/executions/bulk-jobs', { flow_id: 'no-such-flow', entities_query: query });
          // a query that parses reaches the flow, which does not exist
          expect([400, 404]).toContain(res.status);
          if (res.status === 400) {
            expect(res.body.problems.length).toBeGreaterThan(0);
            expect(res.body.problems.filter((p: any) => p.path !== 'entities_query')).toEqual([]);
          }
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('afterwards', () => {
    it('logged no server error and still answers', async () => {
      expect(env.loggedErrors).toEqual([]);
      const openapi = await env.call(null, 'GET', '/openapi.json');
      expect(openapi.status).toBe(200);
      const created = await env.call(org, 'POST', '/v1/automation/flows', validFlow());
      expect(created.status).toBe(201);
    });
  });
});

function unsigned(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
