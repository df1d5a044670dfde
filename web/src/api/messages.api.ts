import { apiRequest } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';

export type MessageQuery = ApiQuery<'/api/messages', 'get'>;
export type NoticeQuery = ApiQuery<'/api/notices', 'get'>;
export type MessageList = ApiResponse<'/api/messages', 'get'>;
export type Message = MessageList['items'][number];
export type MessageKind = Message['kind'];
export type NoticeList = ApiResponse<'/api/notices', 'get'>;
export type Notice = NoticeList['items'][number];
export type UnreadCount = ApiResponse<'/api/messages/unread-count', 'get'>;
export type ReminderInput = ApiBody<'/api/messages/reminders', 'post'>;
export type ReminderTopic = ReminderInput['topic'];
export type PendingSchool = ApiResponse<'/api/messages/reminders/verification-pending', 'get'>['items'][number];
export type NoticeInput = ApiBody<'/api/notices', 'post'>;

/** Query keys of the message centre: everything under one prefix, so a read refreshes the bell too. */
export const messageKeys = {
  all: ['messages'] as const,
  unread: () => ['messages', 'unread'] as const,
  list: (query: MessageQuery) => ['messages', 'list', query] as const,
  notices: (query: NoticeQuery) => ['messages', 'notices', query] as const,
  pending: (cycleId: number, year: number) => ['messages', 'pending', cycleId, year] as const,
};

/** The message centre (消息): the own inbox, notices to the subtree, reminders (催办) to the units below. */
export const messagesApi = {
  list: (query: MessageQuery) => apiRequest<MessageList>('/api/messages', { query: { ...query } }),
  unreadCount: () => apiRequest<UnreadCount>('/api/messages/unread-count'),
  markRead: (id: number) => apiRequest<void>(`/api/messages/${id}/read`, { method: 'POST' }),
  markAllRead: () =>
    apiRequest<ApiResponse<'/api/messages/read-all', 'post'>>('/api/messages/read-all', { method: 'POST' }),
  /** The schools below the own unit whose year has not been submitted. */
  verificationPending: (cycleId: number, year: number) =>
    apiRequest<ApiResponse<'/api/messages/reminders/verification-pending', 'get'>>(
      '/api/messages/reminders/verification-pending',
      { query: { cycleId, year } },
    ),
  remind: (input: ReminderInput) =>
    apiRequest<ApiResponse<'/api/messages/reminders', 'post'>>('/api/messages/reminders', {
      method: 'POST',
      body: input,
    }),
  notices: (query: NoticeQuery) => apiRequest<NoticeList>('/api/notices', { query: { ...query } }),
  publishNotice: (input: NoticeInput) =>
    apiRequest<ApiResponse<'/api/notices', 'post'>>('/api/notices', { method: 'POST', body: input }),
  readNotice: (id: number) => apiRequest<void>(`/api/notices/${id}/read`, { method: 'POST' }),
};
