import { z } from 'zod';
import { HandlebarsTemplateSchema } from './HandlebarsTemplate';
import { isRecord, JsonObjectSchema } from './JsonObject';
import { REFINE_EVEN_IF_INVALID } from './ValidationProblem';

export const MappingConfigRefSchema = z
  .strictObject({
    config_id: z.string().min(1).describe('Entity mapping configuration to run.'),
    target_id: z.string().min(1).describe('Target configuration within it.'),
    version: z.number().optional(),
  })
  .meta({ id: 'MappingConfigRef', description: 'Reference to a stored entity mapping configuration (epilot).' });

export const RelationAttributeSchema = z
  .strictObject({
    target: z.string().min(1).describe('Attribute of the target entity that stores the relation.'),
    target_tags: z.array(z.string()).optional().describe('Relation tags (labels) to set.'),
    target_tags_include_source: z.boolean().optional().describe('Copy the relation tags of the main entity relation.'),
    source_filter: z
      .strictObject({
        limit: z.int().min(0).optional(),
        schema: z.string().optional(),
        attribute: z.string().optional(),
        relation_tag: z.string().optional(),
        tag: z.string().optional(),
        self: z.boolean().optional().describe('Use the main entity itself as the relation.'),
      })
      .optional()
      .describe('Which entities related to the main entity to relate.'),
    related_to: JsonObjectSchema.optional().describe('Deprecated in epilot.'),
    mode: z.enum(['append', 'prepend', 'set']),
  })
  .meta({ id: 'RelationAttribute', description: 'Relations to set on the target entity.' });

/**
 * An operation object node. Keys starting with `_` are operations; the declared ones are
 * type-checked, others (`_each`, `_random`, …) and nested attribute keys pass through to the
 * mapping engine, as epilot's `additionalProperties: true` allows.
 */
export const OperationObjectNodeSchema = z
  .looseObject({
    _set: z.unknown().optional().describe('Set this value.'),
    _append: z.array(z.unknown()).optional().describe('Append these items (which may hold nested operations) to the array.'),
    _uniq: z.union([z.boolean(), z.array(z.string().min(1))]).optional().describe('Remove duplicates: true, or the keys that identify an item.'),
    _copy: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe('Copy from this path of the source context; with a list, the first path that has a value.'),
    _template: HandlebarsTemplateSchema.optional().describe('Render this handlebars template against the source context.'),
  })
  .meta({ id: 'OperationObjectNode' });

export const OperationNodeSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), OperationObjectNodeSchema])
  .describe('A literal JSON value, or an operation object node.');

/**
 * epilot's `MappingAttributeV2` marks `targetPath` as required while declaring only `target`;
 * `targetPath` is read as an alias and written back as `target`.
 */
export const MappingAttributeV2Schema = z
  .strictObject({
    target: z.string().min(1).optional().describe('Attribute path to write on the target entity.'),
    targetPath: z.string().min(1).optional().describe('Alias of target (epilot spec defect); written back as target.'),
    operation: OperationNodeSchema,
  })
  .superRefine((attribute, ctx) => {
    if (!isRecord(attribute)) return;
    if (attribute.target === undefined && attribute.targetPath === undefined) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'is required' });
    } else if (attribute.target !== undefined && attribute.targetPath !== undefined && attribute.target !== attribute.targetPath) {
      ctx.addIssue({ code: 'custom', path: ['targetPath'], message: 'must equal target when both are given' });
    }
  }, REFINE_EVEN_IF_INVALID)
  .transform(({ targetPath, target, ...rest }) => ({ target: target ?? targetPath ?? '', ...rest }))
  .meta({ id: 'MappingAttributeV2', description: 'Sets one target attribute from an operation.' });

// The mapping module exports the type `MappingAttributeMode`; only the schema is exported here.
const MappingAttributeMode = {
  copy_if_exists: 'copy_if_exists',
  append_if_exists: 'append_if_exists',
  set_value: 'set_value',
} as const;

export const MappingAttributeModeSchema = z.enum(MappingAttributeMode);

/** epilot's deprecated `SetValueMapper`, `CopyValueMapper` and `AppendValueMapper`, told apart by `mode`. */
export const LegacyMappingAttributeSchema = z
  .strictObject({
    mode: MappingAttributeModeSchema,
    target: z.string().min(1).describe('Attribute path on the target entity.'),
    source: z.string().optional().describe('Path of the value in the main entity (copy_if_exists, append_if_exists).'),
    value: z.unknown().optional().describe('Value to set (set_value).'),
    value_json: z.string().optional().describe('JSON (template) of the objects to append (append_if_exists).'),
    target_unique: z.array(z.string()).optional().describe('Keys that identify an item when appending.'),
  })
  .superRefine((mapper, ctx) => {
    if (!isRecord(mapper)) return;
    if (mapper.mode === MappingAttributeMode.set_value && mapper.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'is required when mode is "set_value"' });
    }
    if (mapper.mode === MappingAttributeMode.copy_if_exists && mapper.source === undefined) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'is required when mode is "copy_if_exists"' });
    }
    if (mapper.mode === MappingAttributeMode.append_if_exists && mapper.source === undefined && mapper.value_json === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value_json'], message: 'source or value_json is required when mode is "append_if_exists"' });
    }
  }, REFINE_EVEN_IF_INVALID)
  .meta({ id: 'LegacyMappingAttribute', description: 'Deprecated mode-based mapper (epilot).' });

// Legacy first: when neither shape fits, the `mode` problem explains it best.
export const MappingAttributeSchema = z.union([LegacyMappingAttributeSchema, MappingAttributeV2Schema]);

export const MapEntityTargetSchema = z
  .union([
    z.enum(['self', 'new']),
    z.strictObject({
      entity_id: HandlebarsTemplateSchema.min(1).describe('Id of the entity to write; may be a handlebars template.'),
    }),
  ])
  .describe(
    'autoflow extension: which entity is written. "self": the trigger entity; "new": an entity of target_schema, upserted by target_unique and linked back; {entity_id}: that entity. Default: "self" when target_schema is the trigger entity\'s schema, else "new".',
  );

export const MapEntityConfigSchema = z
  .strictObject({
    mapping_config: MappingConfigRefSchema.optional(),
    target_schema: z.string().min(1).describe('Schema of the target entity.'),
    target_unique: z.array(z.string()).optional().describe('Attribute paths that identify an existing target entity (upsert).'),
    mapping_attributes: z.array(MappingAttributeSchema).optional().describe('Attribute mappings.'),
    relation_attributes: z.array(RelationAttributeSchema).optional().describe('Relation mappings.'),
    linkback_relation_attribute: z
      .union([z.string().min(1), z.literal(false)])
      .optional()
      .describe('Relation attribute on the main entity that links to the target ("mapped_entities" by default); false disables the link.'),
    linkback_relation_tags: z.array(z.string()).optional().describe('Relation tags (labels) on the link back.'),
    target: MapEntityTargetSchema.optional(),
  })
  .meta({ id: 'MapEntityConfig', description: 'Writes attributes to an entity, computed from the trigger entity.' });

export type MappingConfigRef = z.infer<typeof MappingConfigRefSchema>;
export type RelationAttribute = z.infer<typeof RelationAttributeSchema>;
export type OperationObjectNode = z.infer<typeof OperationObjectNodeSchema>;
export type OperationNode = z.infer<typeof OperationNodeSchema>;
export type MappingAttributeV2 = z.output<typeof MappingAttributeV2Schema>;
export type LegacyMappingAttribute = z.infer<typeof LegacyMappingAttributeSchema>;
export type MappingAttribute = z.output<typeof MappingAttributeSchema>;
export type MapEntityTarget = z.infer<typeof MapEntityTargetSchema>;
export type MapEntityConfig = z.output<typeof MapEntityConfigSchema>;

/**
 * Which entity a map-entity action writes, once the trigger entity's schema is known:
 * the explicit `target`, else "self" when `target_schema` is that schema, else "new".
 */
export function resolveMapEntityTarget(
  config: Pick<MapEntityConfig, 'target' | 'target_schema'>,
  triggerEntitySchema: string | undefined,
): MapEntityTarget {
  if (config.target !== undefined) return config.target;
  return triggerEntitySchema !== undefined && config.target_schema === triggerEntitySchema ? 'self' : 'new';
}
