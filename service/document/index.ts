// Public API of the document (MRZ) engine.
export { createDocumentEngine, createEngineWith } from './engine.js';
export type {
  DocumentAnalysis,
  DocumentEngine,
  DocumentEngineOptions,
  DocumentSide,
  LineReading,
  ReadStage,
  MrzBox,
  ReadInput,
} from './engine.js';
export { decodeBlock, decodeWithLayout, type Decoded, type DecodeOptions } from './decode.js';
export {
  DOCUMENT_TYPES,
  FINDING_CODES,
  parseMrz,
  validateDocument,
  type DocumentFields,
  type DocumentFinding,
  type DocumentType,
  type FindingCode,
  type MrzFormat,
} from './validate.js';
export { checkDigit, MRZ_ALPHABET } from './check-digit.js';
export { ModelIntegrityError } from './classifier.js';
export {
  precheckDocumentPhoto,
  MRZ_SIDE,
  type PrecheckAdvice,
  type PrecheckDocType,
  type PrecheckResult,
} from './precheck.js';
export { REPAIR_MAX_PRINTED_PROB, type Repair } from './decode.js';
