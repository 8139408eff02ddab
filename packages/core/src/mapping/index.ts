export { applyMapping, PROTECTED_TARGET_ATTRIBUTES } from './applyMapping';
export { formatPath, parsePath } from './parsePath';
export type { ParsePathResult, PathSegment } from './parsePath';
export { readPath } from './readPath';
export type { ReadPathResult } from './readPath';
export { writePath } from './writePath';
export type { WritePathResult } from './writePath';
export { uniqueItems } from './uniqueItems';
// MappingAttributeMode (the union of MAPPING_ATTRIBUTE_MODES) is exported by the flow schemas already.
export { MAPPING_ATTRIBUTE_MODES, OPERATION_KEYS } from './types';
export type {
  IdKind,
  LegacyMappingAttributeInput,
  MappingAttributeInput,
  MappingAttributeV2Input,
  MappingContext,
  MappingProblem,
  MappingResult,
  OperationKey,
  OperationNodeInput,
  OperationObjectNodeInput,
  RandomOperationInput,
} from './types';
