import { apiRequest } from './client';
import type { CreateUserInput, Page, UpdateUserInput, User, UserQuery } from './types';

export const usersApi = {
  list: (query: UserQuery) => apiRequest<Page<User>>('/api/users', { query: { ...query } }),
  create: (input: CreateUserInput) =>
    apiRequest<{ user: User; oneTimePassword: string }>('/api/users', { method: 'POST', body: input }),
  update: (id: number, input: UpdateUserInput) =>
    apiRequest<{ user: User }>(`/api/users/${id}`, { method: 'PATCH', body: input }),
  resetPassword: (id: number) =>
    apiRequest<{ oneTimePassword: string }>(`/api/users/${id}/reset-password`, { method: 'POST' }),
  unlock: (id: number) => apiRequest<void>(`/api/users/${id}/unlock`, { method: 'POST' }),
};
