// OpenAPI paths of the applicant app's endpoints and of invitations, merged into /openapi.json.
import { z } from 'zod';
import { applicantChallengeResponse } from './schemas.js';
import type { RouteDoc } from '../route-doc.js';
import { captureFacts } from './capture.js';
import { precheckBody } from './precheck.js';

const err = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const body = (t: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(t, { io: 'output', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { 'application/json': { schema: rest } };
};
const applicantAuth = [{ applicantToken: [] }];

export const applicantAppOpenApiPaths = {
  '/v1/applicant/challenge': {
    post: {
      operationId: 'getChallenge',
      summary:
        'The spoken-digit challenge, asked for when recording starts: the current unexpired one, or a new one (CHALLENGE_TTL_MINUTES)',
      security: applicantAuth,
      responses: {
        '200': { description: 'Digits to say', content: body(applicantChallengeResponse) },
        '401': err('Missing or invalid link token'),
        '409': err('Already submitted'),
        '410': err('Verification expired'),
      },
    },
  },
  '/v1/applicant/session': {
    get: {
      operationId: 'getApplicantSession',
      summary:
        'What the applicant app shows: status, allowed documents, review deadline, reasons, activation state',
      security: applicantAuth,
      responses: { '200': { description: 'Session view' }, '401': err('Missing or invalid link token') },
    },
  },
  '/v1/applicant/activation': {
    post: {
      operationId: 'activateFromApp',
      summary:
        'Activate with the 6-digit code; bearer = the applicant link token or the activation letter token (no reference needed)',
      security: applicantAuth,
      responses: {
        '200': { description: 'Activated' },
        '400': err('invalid_code (details.attemptsRemaining)'),
        '401': err('Missing or invalid token'),
        '410': err('code_expired'),
        '423': err('code_locked'),
        '429': err('rate_limited'),
      },
    },
  },
  '/v1/verifications/{id}/invite': {
    post: {
      operationId: 'resendInvitation',
      summary: 'Send a new invitation e-letter (and/or SMS); at most 4 invitations per verification',
      security: [{ apiKey: [] }],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: {
        '202': { description: 'Queued' },
        '404': err('No such verification'),
        '409': err('invite_limit, or already submitted'),
      },
    },
  },
  '/invitations/{token}': {
    get: {
      operationId: 'openInvitation',
      security: [], // the unguessable token in the path is the credential
      summary: 'The invitation e-letter page (records nothing: link scanners fetch it too)',
      parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The letter', content: { 'text/html': {} } },
        '404': { description: 'Unknown or expired invitation', content: { 'text/html': {} } },
      },
    },
  },
  '/invitations/{token}/confirm': {
    post: {
      operationId: 'confirmInvitation',
      security: [], // the unguessable token in the path is the credential
      summary:
        '"Confirm my identity": records the proof of receipt in the audit trail, then 303 to /v/<token>',
      parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '303': { description: 'To the applicant app' }, '404': { description: 'Unknown letter' } },
    },
  },
} as const;

/** Route table of the applicant app's capture, precheck and activation-status endpoints. */
export const applicantRoutes: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/v/{rest}',
    operationId: 'applicantApp',
    summary:
      'The applicant app (HTML); the link token is in the path (registered only when the app is built)',
    auth: 'none',
    params: { rest: z.string() },
    ok: { '200': { description: 'The app', contentType: 'text/html' } },
    errors: {},
  },
  {
    method: 'put',
    path: '/v1/applicant/media/{kind}/capture',
    operationId: 'putCaptureFacts',
    summary: 'How a medium was captured (camera or file, size, retakes): no content',
    auth: 'applicant',
    params: { kind: z.enum(['front', 'back', 'video']) },
    body: captureFacts,
    ok: { '204': { description: 'Recorded' } },
    errors: {
      '400': 'Unexpected capture facts',
      '401': 'Missing or invalid link token',
      '404': 'Unknown kind, or medium not uploaded yet',
      '409': 'Already submitted',
    },
  },
  {
    method: 'post',
    path: '/v1/applicant/media/{side}/precheck',
    operationId: 'precheckDocument',
    summary:
      'Quick check of an uploaded document photo before submitting: right side? MRZ readable? portrait found (front of cards, passport data page)?',
    auth: 'applicant',
    params: { side: z.enum(['front', 'back']) },
    body: precheckBody,
    ok: { '200': { description: 'Verdict' } },
    errors: {
      '400': 'Expected {doc}',
      '401': 'Missing or invalid link token',
      '404': 'Unknown side, or photo not uploaded yet',
    },
  },
  {
    method: 'get',
    path: '/v1/applicant/activation',
    operationId: 'getApplicantActivation',
    summary: 'Activation state of the applicant’s verification',
    auth: 'applicant',
    ok: { '200': { description: 'Activation state' } },
    errors: { '401': 'Missing or invalid link token' },
  },
  // Resumable uploads (tus 1.0.0: creation, termination, expiration), the app's way to send photos and the video.
  {
    method: 'post',
    path: '/v1/applicant/uploads',
    operationId: 'createUpload',
    summary:
      'Starts a resumable (tus) upload for a slot: Upload-Metadata "kind" front|back|video (base64, tus style), Upload-Length in bytes; answers Location',
    auth: 'applicant',
    headers: {
      'Tus-Resumable': z.literal('1.0.0'),
      'Upload-Length': z.string().regex(/^\d+$/),
      'Upload-Metadata': z.string().describe('kind <base64 of front, back or video>'),
    },
    ok: { '201': { description: 'Created; Location is the upload URL, Upload-Expires its deadline' } },
    errors: {
      '400': 'Unknown kind, empty file or malformed tus headers',
      '401': 'Missing or invalid link token',
      '409': 'Already submitted',
      '410': 'The verification has expired',
      '412': 'Tus-Resumable header missing',
      '413': 'Larger than the slot allows (MAX_UPLOAD_MB_IMAGE / MAX_UPLOAD_MB_VIDEO)',
    },
  },
  {
    method: 'head',
    path: '/v1/applicant/uploads/{id}',
    operationId: 'uploadOffset',
    summary: 'How many bytes the server holds (Upload-Offset): where the client resumes after a drop',
    auth: 'applicant',
    params: { id: z.string().regex(/^[0-9a-f]{32}$/) },
    headers: { 'Tus-Resumable': z.literal('1.0.0') },
    ok: { '200': { description: 'Upload-Offset and Upload-Length headers' } },
    errors: {
      '401': 'Missing or invalid link token',
      '404': 'No such upload for this verification',
      '409': 'Already submitted',
      '410': 'Expired verification, or an upload of an earlier attempt',
    },
  },
  {
    method: 'patch',
    path: '/v1/applicant/uploads/{id}',
    operationId: 'appendUpload',
    summary:
      'Appends bytes at Upload-Offset (sealed as they arrive); the last one checks the file as PUT /v1/applicant/media/{kind} does and attaches it to its slot',
    auth: 'applicant',
    params: { id: z.string().regex(/^[0-9a-f]{32}$/) },
    headers: { 'Tus-Resumable': z.literal('1.0.0'), 'Upload-Offset': z.string().regex(/^\d+$/) },
    rawBody: 'application/offset+octet-stream',
    ok: {
      '204': { description: 'Bytes kept; Upload-Offset is the new offset' },
      '200': {
        description: 'The upload is complete and is now the slot’s media',
        schema: z.object({
          kind: z.enum(['front', 'back', 'video']),
          mime: z.string(),
          sizeBytes: z.number(),
        }),
      },
    },
    errors: {
      '401': 'Missing or invalid link token',
      '404': 'No such upload for this verification',
      '409': 'Wrong Upload-Offset, or already submitted',
      '410': 'Expired verification, or an upload of an earlier attempt',
      '413': 'More bytes than declared',
      '415': 'Not an accepted image or video type',
      '422': 'The file cannot be read as an image or a video',
    },
  },
  {
    method: 'delete',
    path: '/v1/applicant/uploads/{id}',
    operationId: 'abandonUpload',
    summary: 'Abandons an unfinished upload (its sealed partial file is deleted)',
    auth: 'applicant',
    params: { id: z.string().regex(/^[0-9a-f]{32}$/) },
    headers: { 'Tus-Resumable': z.literal('1.0.0') },
    ok: { '204': { description: 'Deleted' } },
    errors: {
      '401': 'Missing or invalid link token',
      '404': 'No such upload for this verification',
      '409': 'Already submitted',
    },
  },
];
