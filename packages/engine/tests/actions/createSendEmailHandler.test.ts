import { AutomationError } from '@autoflow/core';
import { createSendEmailHandler, isValidAddress, splitAddresses, type ActionContext } from '../../src/actions';
import { makeContext, makeDeps, ORG, type TestDeps } from './actionTestKit';

async function failure(promise: Promise<unknown>): Promise<AutomationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AutomationError) return err;
    throw err;
  }
  throw new Error('expected the handler to fail');
}

function emailContext(config: Record<string, unknown>, overrides: Partial<ActionContext> = {}): ActionContext {
  return makeContext('send-email', config, overrides);
}

let deps: TestDeps;

beforeEach(() => {
  deps = makeDeps();
});

describe('send-email handler', () => {
  describe('inline templates', () => {
    it('renders every field over the entity, the trigger and earlier outputs, and sends the email', async () => {
      const outcome = await createSendEmailHandler(deps)(
        emailContext(
          {
            to: '{{email.[0].email}}',
            subject: 'Welcome {{first_name}} ({{trigger.diff.updated.status}} → {{status}})',
            text: 'Hi {{entity.first_name}}, ticket {{outputs.create-ticket.id}}',
            html: '<p>Hi {{first_name}}</p>',
          },
          { outputs: { 'create-ticket': { id: 'T-9' } } },
        ),
      );

      expect(deps.email.sent).toEqual([
        {
          from: 'automation@autoflow.example',
          to: ['ada@example.com'],
          subject: 'Welcome Ada (lead → active)',
          text: 'Hi Ada, ticket T-9',
          html: '<p>Hi Ada</p>',
        },
      ]);
      expect(outcome.outputs).toEqual({ message_id: 'msg-1', to: ['ada@example.com'], subject: 'Welcome Ada (lead → active)' });
    });

    it('escapes values in html but not in subject or text', async () => {
      const ctx = emailContext(
        { to: 'a@example.com', subject: '{{last_name}}', text: '{{last_name}}', html: '<b>{{last_name}}</b>' },
        { entity: { _id: 'c', _schema: 'contact', last_name: 'Tom & <Jerry>' } },
      );

      await createSendEmailHandler(deps)(ctx);

      expect(deps.email.sent[0]).toMatchObject({
        subject: 'Tom & <Jerry>',
        text: 'Tom & <Jerry>',
        html: '<b>Tom &amp; &lt;Jerry&gt;</b>',
      });
    });

    it('uses the configured sender, rendered, instead of the default', async () => {
      await createSendEmailHandler(deps)(emailContext({ from: 'Support <support@{{domain}}>', to: 'a@example.com', subject: 's', text: 't' }, {
        entity: { _id: 'c', _schema: 'contact', domain: 'shop.example' },
      }));
      expect(deps.email.sent[0]?.from).toBe('Support <support@shop.example>');
    });

    it('keeps a subject on one line', async () => {
      await createSendEmailHandler(deps)(emailContext({ to: 'a@example.com', subject: 'Hello\r\nBcc: victim@example.com', text: 't' }));
      expect(deps.email.sent[0]?.subject).toBe('Hello Bcc: victim@example.com');
    });
  });

  describe('recipients', () => {
    it('splits on commas and semicolons, trims, drops blanks, and keeps cc and bcc apart', async () => {
      const outcome = await createSendEmailHandler(deps)(
        emailContext({
          to: ' a@example.com; b@example.com ,, ',
          cc: ['c@example.com', 'Dee <d@example.com>'],
          bcc: 'audit@example.com',
          subject: 's',
          text: 't',
        }),
      );

      expect(deps.email.sent[0]).toMatchObject({
        to: ['a@example.com', 'b@example.com'],
        cc: ['c@example.com', 'Dee <d@example.com>'],
        bcc: ['audit@example.com'],
      });
      expect(outcome.outputs?.to).toEqual(['a@example.com', 'b@example.com']);
    });

    it('drops invalid addresses and reports them', async () => {
      const outcome = await createSendEmailHandler(deps)(emailContext({ to: 'a@example.com, not-an-address, b@nowhere', subject: 's', text: 't' }));

      expect(deps.email.sent[0]?.to).toEqual(['a@example.com']);
      expect(outcome.outputs?.skipped_recipients).toEqual(['not-an-address', 'b@nowhere']);
    });

    it('fails with BAD_CONFIG, sending nothing, when no recipient is valid', async () => {
      const err = await failure(createSendEmailHandler(deps)(emailContext({ to: '{{missing_email}}; nope', subject: 's', text: 't' })));

      expect(err.code).toBe('BAD_CONFIG');
      expect(err.retryable).toBe(false);
      expect(err.message).toContain('no valid recipient');
      expect(deps.email.sent).toEqual([]);
    });

    it('fails with BAD_CONFIG when the sender is not an address', async () => {
      const err = await failure(createSendEmailHandler(deps)(emailContext({ from: 'nobody', to: 'a@example.com', subject: 's', text: 't' })));
      expect(err.code).toBe('BAD_CONFIG');
    });
  });

  describe('stored templates', () => {
    beforeEach(async () => {
      await deps.config.putEmailTemplate(ORG, {
        id: 'tpl-welcome',
        from: 'hello@shop.example',
        to: '{{email.0.email}}',
        subject: 'Welcome {{first_name}}',
        html: '<h1>Hi {{first_name}}</h1>',
      });
    });

    it('renders the template named by email_template_id', async () => {
      const outcome = await createSendEmailHandler(deps)(emailContext({ email_template_id: 'tpl-welcome', language_code: 'en' }));

      expect(deps.email.sent).toEqual([{ from: 'hello@shop.example', to: ['ada@example.com'], subject: 'Welcome Ada', html: '<h1>Hi Ada</h1>' }]);
      expect(outcome.outputs).toEqual({ message_id: 'msg-1', to: ['ada@example.com'], subject: 'Welcome Ada' });
    });

    it('lets inline fields override the stored template', async () => {
      await createSendEmailHandler(deps)(emailContext({ email_template_id: 'tpl-welcome', to: 'ops@example.com', subject: 'Copy: {{first_name}}' }));
      expect(deps.email.sent[0]).toMatchObject({ to: ['ops@example.com'], subject: 'Copy: Ada', html: '<h1>Hi Ada</h1>' });
    });

    it('fails with BAD_CONFIG when the template does not exist', async () => {
      const err = await failure(createSendEmailHandler(deps)(emailContext({ email_template_id: 'tpl-missing' })));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('tpl-missing');
    });
  });

  describe('errors', () => {
    it('fails with TEMPLATE_ERROR naming the field when a stored template does not compile', async () => {
      await deps.config.putEmailTemplate(ORG, { id: 'tpl-broken', to: 'a@example.com', subject: 'ok', html: '{{#each items}}unclosed' });

      const err = await failure(createSendEmailHandler(deps)(emailContext({ email_template_id: 'tpl-broken' })));

      expect(err.code).toBe('TEMPLATE_ERROR');
      expect(err.retryable).toBe(false);
      expect(err.info).toEqual({ field: 'html' });
      expect(deps.email.sent).toEqual([]);
    });

    it('fails with TEMPLATE_ERROR when a template calls an unknown helper', async () => {
      const err = await failure(createSendEmailHandler(deps)(emailContext({ to: 'a@example.com', subject: '{{shout first_name}}', text: 't' })));
      expect(err.code).toBe('TEMPLATE_ERROR');
      expect(err.info).toEqual({ field: 'subject' });
    });

    it('refuses an inline template with a syntax error as bad config, naming its path', async () => {
      const err = await failure(createSendEmailHandler(deps)(emailContext({ to: 'a@example.com', subject: 'ok', html: '{{#each items}}unclosed' })));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('config.html');
    });

    it('refuses an inline config without subject or body, saying what is missing', async () => {
      const err = await failure(createSendEmailHandler(deps)(emailContext({ to: 'a@example.com' })));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('missing: subject, html or text');
    });

    it('lets errors of the email port through unchanged', async () => {
      const refused = new AutomationError('BULK_EMAIL_ERROR', 'rejected by provider');
      deps.email.send = async () => {
        throw refused;
      };
      await expect(createSendEmailHandler(deps)(emailContext({ to: 'a@example.com', subject: 's', text: 't' }))).rejects.toBe(refused);
    });
  });
});

describe('splitAddresses', () => {
  it.each([
    ['a@x.io', ['a@x.io']],
    ['a@x.io,b@x.io', ['a@x.io', 'b@x.io']],
    [' a@x.io ; b@x.io ;', ['a@x.io', 'b@x.io']],
    [' , ; ', []],
  ])('splits %p into %p', (input, expected) => {
    expect(splitAddresses(input)).toEqual(expected);
  });
});

describe('isValidAddress', () => {
  it.each(['ada@example.com', 'first.last+tag@sub.example.co.uk', 'Ada Lovelace <ada@example.com>', '<ada@example.com>'])('accepts %s', (address) => {
    expect(isValidAddress(address)).toBe(true);
  });

  it.each(['', 'ada', 'ada@', '@example.com', 'ada@example', 'a b@example.com', 'ada@@example.com', 'Ada <ada@example.com', 'Ada\r\n<ada@example.com>'])(
    'rejects %p',
    (address) => {
      expect(isValidAddress(address)).toBe(false);
    },
  );
});
