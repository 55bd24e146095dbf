// What a sandboxed analysis child receives: the job's ids plus what the parent prepared for it (paths of
// media it decrypted into a private temp dir, the challenge, settings). Built in memory by the parent,
// never stored in Redis.
import type { Lang } from '../../contracts/lang.js';
import type { DocumentSettings } from '../engines/document.js';
import type { MediaProbe } from '../engines/media.js';
import type { MediaFiles } from '../stages.js';

export interface SandboxPayload {
  stage: 'document' | 'speech';
  caseId: string;
  attempt: number;
  /** The decrypted media this stage needs (document: front and back; speech: video). */
  files: Partial<MediaFiles>;
  /** The ingest probe of the video (speech), to skip a second ffprobe. */
  probe?: MediaProbe;
  /** ISO date of the verification day (age and expiry checks). */
  today: string;
  digits: string;
  lang: Lang;
  /** Speech: where the child writes the mouth crops' JPEG sheet (inside the private temp dir). */
  mouthCropsOut?: string;
  document: DocumentSettings;
  /** The document type the applicant declared (document stage): a prior for the reader, never an override. */
  documentType?: string;
}
