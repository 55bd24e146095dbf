// Public API of the speech engine (spoken challenge digits).
export {
  createSpeechEngine,
  InvalidChallengeError,
  type SpeechEngine,
  type SpeechEngineOptions,
} from './engine.js';
export {
  createChallenge,
  isChallengeUsable,
  isValidDigits,
  CHALLENGE_LENGTH,
  type Challenge,
  type ChallengeState,
} from './challenge.js';
export { speechGate, type SpeechGateOptions } from './gate.js';
export { decide, DEFAULT_DECIDE, type DecideOptions } from './decide.js';
export { parseWav, encodeWav, resample, WavFormatError } from './wav.js';
export * from './types.js';
