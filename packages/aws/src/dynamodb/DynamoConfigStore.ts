import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConfigStore, EmailTemplate, WebhookTarget } from '@autoflow/engine';
import { controlKeys as K } from '../tables/keys';

/** Email templates and webhook targets of each org, in the control table. */
export class DynamoConfigStore implements ConfigStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getEmailTemplate(orgId: string, templateId: string): Promise<EmailTemplate | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.emailTemplate(orgId, templateId) }));
    return out.Item?.template as EmailTemplate | undefined;
  }

  async putEmailTemplate(orgId: string, template: EmailTemplate): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...K.emailTemplate(orgId, template.id), template } }));
  }

  async getWebhookTarget(orgId: string, targetId: string): Promise<WebhookTarget | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.webhookTarget(orgId, targetId) }));
    return out.Item?.target as WebhookTarget | undefined;
  }

  async putWebhookTarget(orgId: string, target: WebhookTarget): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...K.webhookTarget(orgId, target.id), target } }));
  }
}
