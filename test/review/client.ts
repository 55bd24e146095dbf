// A minimal reviewer API client for tests: keeps the session cookie and the CSRF token.
export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export class ReviewClient {
  cookie?: string;
  csrf?: string;
  constructor(readonly base: string) {}

  async login(email: string, password: string): Promise<ApiResponse> {
    const r = await this.req('POST', '/api/review/auth/login', { email, password });
    if (r.status === 200) {
      const set = r.headers.get('set-cookie') ?? '';
      this.cookie = set.split(';')[0];
      this.csrf = r.body.csrfToken as string;
    }
    return r;
  }

  async req(
    method: string,
    path: string,
    body?: unknown,
    opts: { csrf?: string | null; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const ct = res.headers.get('content-type') ?? '';
    const payload = ct.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: payload, headers: res.headers };
  }

  /**
   * What the console does before a decision (the server's checklist): load and play the video, open each
   * document side the case has enlarged. Returns the checklist the server answers with.
   */
  async lookAtEverything(caseId: string, secondsWatched = 3.5): Promise<ApiResponse> {
    const c = `/api/review/cases/${caseId}`;
    const detail = await this.get(c);
    const kinds = (detail.body.media as Array<{ kind: string }>).map((m) => m.kind);
    let last = detail;
    if (kinds.includes('video')) {
      await this.get(`${c}/media/video`, { range: 'bytes=0-' });
      last = await this.post(`${c}/views`, { kind: 'video', secondsWatched });
    }
    for (const side of ['front', 'back'].filter((k) => kinds.includes(k)))
      last = await this.post(`${c}/views`, { kind: side });
    return last;
  }

  get = (path: string, headers?: Record<string, string>) => this.req('GET', path, undefined, { headers });
  post = (path: string, body: unknown = {}, opts?: { csrf?: string | null }) =>
    this.req('POST', path, body, opts);
}
