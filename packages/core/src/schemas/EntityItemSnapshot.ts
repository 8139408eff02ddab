import { z } from 'zod';

/**
 * An entity image: `_id` and `_schema` plus any attributes. epilot's `EntityItemSnapshot` also
 * requires `_title`, `_org`, `_created_at` and `_updated_at`; entity stores other than
 * epilot's do not always have them, so they are read when present and not required.
 */
export const EntityItemSnapshotSchema = z
  .looseObject({
    _id: z.string().min(1).describe('Entity id.'),
    _schema: z.string().min(1).describe('Entity schema, e.g. "contact".'),
  })
  .meta({ id: 'EntityItemSnapshot', description: 'An entity image: _id, _schema and any attributes.' });

export type EntityItemSnapshot = z.infer<typeof EntityItemSnapshotSchema>;
