import { apiRequest } from './client';
import type { PasswordPolicy } from '../../../src/domain/password';
import type { SessionResponse } from './types';

export const authApi = {
  me: () => apiRequest<SessionResponse>('/api/auth/me', { expectUnauthorized: true }),
  login: (username: string, password: string) =>
    apiRequest<SessionResponse>('/api/auth/login', {
      method: 'POST',
      body: { username, password },
      expectUnauthorized: true,
    }),
  logout: () => apiRequest<void>('/api/auth/logout', { method: 'POST', expectUnauthorized: true }),
  /**
   * The server's rules for new passwords (public: the activation page asks before any login): the
   * configured one, and `teacher` the teachers' own.
   */
  passwordPolicy: () =>
    apiRequest<PasswordPolicy & { maxLength: number; teacher: PasswordPolicy }>('/api/auth/password-policy', {
      expectUnauthorized: true,
    }),
  changePassword: (currentPassword: string, newPassword: string) =>
    apiRequest<void>('/api/auth/change-password', {
      method: 'POST',
      body: { currentPassword, newPassword },
    }),
};
