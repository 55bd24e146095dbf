export * from './media-store.js';
export {
  encryptStream,
  decryptStream,
  parseHeader,
  sealedLayout,
  SealedFormatError,
  SEGMENT,
} from './sealed-stream.js';
export { processWorkDir, sweepWorkDirs, workRootOf } from './work-dir.js';
export { createLocalBackend, type BlobBackend, type ByteRange } from './backend.js';
export { createS3Backend, createS3Client, s3OptionsOf, type S3Options } from './s3-backend.js';
export {
  CaseKeyDestroyedError,
  createKeyring,
  deleteCaseKeys,
  masterKeyId,
  masterKeysOf,
  rotateMasterKey,
  type KeyPurpose,
  type Keyring,
  type MasterKeys,
  type RotationReport,
} from './keyring.js';
