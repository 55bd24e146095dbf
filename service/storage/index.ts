export * from './media-store.js';
export { encryptStream, decryptStream, SealedFormatError, SEGMENT } from './sealed-stream.js';
export { processWorkDir, sweepWorkDirs, workRootOf } from './work-dir.js';
