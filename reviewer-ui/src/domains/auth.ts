// Session: who is signed in, and the CSRF token that goes with the session.
import { z } from 'zod';
import { api, setCsrfToken } from './http';

export const RoleSchema = z.enum(['reviewer', 'supervisor', 'ops', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

const SessionSchema = z.object({
  reviewer: z.object({ id: z.string(), email: z.string(), role: RoleSchema }),
  csrfToken: z.string(),
});
export type SessionInfo = z.infer<typeof SessionSchema>;

export async function fetchMe(): Promise<SessionInfo> {
  const s = await api(SessionSchema, '/auth/me');
  setCsrfToken(s.csrfToken);
  return s;
}

export async function login(email: string, password: string): Promise<SessionInfo> {
  const s = await api(SessionSchema, '/auth/login', { method: 'POST', body: { email, password } });
  setCsrfToken(s.csrfToken);
  return s;
}

export async function logout(): Promise<void> {
  await api(z.object({ ok: z.boolean() }), '/auth/logout', { method: 'POST' });
  setCsrfToken(undefined);
}

export const canReview = (r: Role) => r === 'reviewer' || r === 'supervisor' || r === 'admin';
export const canSupervise = (r: Role) => r === 'supervisor' || r === 'admin';
export const canOps = (r: Role) => r === 'ops' || r === 'supervisor' || r === 'admin';
