// OpenAPI 3 description of the activation routes, merged into /openapi.json by the API document.
const error = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: error } },
});
// The API document's `apiKey` scheme (X-API-Key); `Authorization: Bearer <key>` is accepted too.
const apiKey = [{ apiKey: [] }];

export const activationOpenApiPaths = {
  '/v1/activations': {
    post: {
      operationId: 'activateIdentity',
      // The applicant proves themselves with the code: no API key, no session.
      security: [],
      summary: 'Activate an approved identity with the 6-digit code (applicant)',
      description:
        'Constant-time check of the code. Every failure by reference answers the same 400 invalid_code (known or unknown ' +
        'reference: no oracle); a malformed code is refused (400 malformed_code) without costing an attempt; after 5 wrong ' +
        "codes this route closes for the reference (the code's own attempt budget is counted only through the applicant's " +
        'link, POST /v1/applicant/activation). Rate-limited per client IP and per reference (429 with Retry-After). ' +
        'Success notifies the business service (webhook identity.activated).',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['reference', 'code'],
              properties: {
                reference: {
                  type: 'string',
                  description: 'Verification (session) id or the business reference',
                },
                code: { type: 'string', pattern: '^[0-9 ]{6,}$', example: '048213' },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'Identity activated',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  status: { const: 'activated' },
                  reference: { type: 'string' },
                  activatedAt: { type: 'string', format: 'date-time' },
                },
              },
            },
          },
        },
        '400': errorResponse(
          'invalid_code (any failure by reference: unknown reference, wrong, expired, used or locked code), malformed_code or invalid_body',
        ),
        '429': errorResponse('rate_limited'),
      },
    },
  },
  '/v1/activations/resend': {
    post: {
      operationId: 'resendActivationCode',
      summary: 'Send a new code (new e-letter and SMS); the previous code stops working. At most 3 resends.',
      security: apiKey,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['reference'],
              properties: { reference: { type: 'string' } },
            },
          },
        },
      },
      responses: {
        '202': {
          description: 'New code issued, deliveries queued',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  status: { const: 'resent' },
                  generation: { type: 'integer' },
                  resendsLeft: { type: 'integer' },
                },
              },
            },
          },
        },
        '401': errorResponse('unauthorized'),
        '404': errorResponse('not_found'),
        '409': errorResponse('already_activated or resend_limit'),
      },
    },
  },
  '/v1/activations/{reference}': {
    get: {
      operationId: 'getActivation',
      summary: 'Activation state and per-channel delivery status (email, sms) of a case',
      security: apiKey,
      parameters: [{ name: 'reference', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': {
          description: 'ActivationStatus (see service/activation/status.ts)',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        '401': errorResponse('unauthorized'),
        '404': errorResponse('not_found'),
      },
    },
  },
  '/letters/{token}': {
    get: {
      operationId: 'openLetter',
      security: [], // the unguessable token in the path is the credential
      summary:
        "The registered e-letter (HTML). Before its receipt is recorded it shows a button (a link scanner's GET records nothing).",
      parameters: [
        {
          name: 'token',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        },
      ],
      responses: {
        '200': { description: 'The letter', content: { 'text/html': {} } },
        '404': { description: 'Unknown letter' },
      },
    },
    post: {
      operationId: 'confirmLetterReceipt',
      security: [], // the unguessable token in the path is the credential
      summary:
        'The person opens the letter (button on the page): records the proof of receipt, then shows the letter.',
      parameters: [
        {
          name: 'token',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        },
      ],
      responses: {
        '303': { description: 'Receipt recorded; redirect to the letter (GET)' },
        '404': { description: 'Unknown letter' },
      },
    },
  },
} as const;
