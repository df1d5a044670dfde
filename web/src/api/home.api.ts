import { apiRequest } from './client';
import type { ApiResponse } from './schema.gen';

/** What GET /api/home answers: one shape per kind of user. */
export type Home = ApiResponse<'/api/home', 'get'>;
export type AdminHome = Extract<Home, { kind: 'admin' }>;
export type TeacherHome = Extract<Home, { kind: 'teacher' }>;
export type TrainerHome = Extract<Home, { kind: 'trainer' }>;
export type Todo = AdminHome['todos'][number];
export type TodoKind = Todo['kind'];
export type HomeSession = TrainerHome['sessions'][number];

/** What the header's search finds: a few of each kind. */
export type SearchResult = ApiResponse<'/api/search', 'get'>;

export const homeKeys = {
  home: ['home'] as const,
  search: (q: string) => ['search', q] as const,
};

/** The home page (工作台) and the administrators' search in the header. */
export const homeApi = {
  get: () => apiRequest<Home>('/api/home'),
  search: (q: string) => apiRequest<SearchResult>('/api/search', { query: { q } }),
};
