/**
 * The one way the web UI talks to the server: JSON over fetch, the session cookie,
 * the CSRF token on writes, the UI language in `Accept-Language`, and every
 * failure turned into an {@link ApiError}.
 */

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number>;
export type Query = Record<string, QueryValue>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function isApiError(err: unknown, code?: string): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

interface ClientHooks {
  /** `zh-CN` or `en`; sent as `Accept-Language` so server messages match the UI. */
  language: () => string;
  /** The session is gone (expired, logged out elsewhere): go to the login page. */
  onUnauthorized: () => void;
  /** The server insists on a password change before anything else. */
  onPasswordChangeRequired: () => void;
  /** The CSRF token was refused: fetch a fresh one so the next attempt works. */
  onCsrfInvalid: () => void;
}

const hooks: ClientHooks = {
  language: () => 'zh-CN',
  onUnauthorized: () => undefined,
  onPasswordChangeRequired: () => undefined,
  onCsrfInvalid: () => undefined,
};

let csrfToken: string | null = null;

export function configureApiClient(overrides: Partial<ClientHooks>): void {
  Object.assign(hooks, overrides);
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SESSION_LOST_CODES = new Set(['AUTH_REQUIRED', 'AUTH_SESSION_EXPIRED']);

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    // a list repeats the key: ?status=behind&status=at_risk
    if (Array.isArray(value))
      for (const item of value as ReadonlyArray<string | number>) params.append(key, String(item));
    else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function requestHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': hooks.language(),
  };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  return headers;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds an ApiError from a status and a parsed (or unparsable) error body. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const error = isRecord(body) ? body['error'] : undefined;
  if (isRecord(error) && typeof error['code'] === 'string') {
    const message = typeof error['message'] === 'string' ? error['message'] : error['code'];
    const details = isRecord(error['details']) ? error['details'] : undefined;
    return new ApiError(status, error['code'], message, details);
  }
  return new ApiError(status, 'UNEXPECTED_RESPONSE', `HTTP ${status}`);
}

function notify(err: ApiError, redirectOnSessionLoss: boolean): void {
  if (err.status === 401 && SESSION_LOST_CODES.has(err.code) && redirectOnSessionLoss) {
    hooks.onUnauthorized();
  } else if (err.status === 403 && err.code === 'AUTH_PASSWORD_CHANGE_REQUIRED') {
    hooks.onPasswordChangeRequired();
  } else if (err.status === 403 && err.code === 'CSRF_INVALID') {
    hooks.onCsrfInvalid();
  }
}

async function readBody(res: Response): Promise<unknown> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Set for calls where a 401 is an expected answer (who am I, log in). */
  expectUnauthorized?: boolean;
  /** the request outlives the page (the last heartbeat of a study page being closed) */
  keepalive?: boolean;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers = requestHeaders(method);
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
      keepalive: options.keepalive,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK_ERROR', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) {
    const apiError = errorFromBody(res.status, await readBody(res));
    notify(apiError, !options.expectUnauthorized);
    throw apiError;
  }
  return res;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  return (await readBody(res)) as T;
}

export interface DownloadedFile {
  blob: Blob;
  filename: string | null;
  /** the answer's headers, for what a download reports beside its bytes */
  headers?: Headers;
}

function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain filename parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? null;
}

/** Fetches a file (e.g. an Excel template) with the same headers and error handling. */
export async function apiDownload(path: string, options: RequestOptions = {}): Promise<DownloadedFile> {
  const res = await send(path, options);
  const filename = filenameFrom(res.headers.get('content-disposition'));
  return { blob: await res.blob(), filename, headers: res.headers };
}

/** Hands a downloaded file to the browser as a save. */
export function saveFile(file: DownloadedFile, fallbackName: string): void {
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename ?? fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export interface UploadOptions {
  field?: string;
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

/**
 * Posts one file as multipart form data. Uses XMLHttpRequest because fetch cannot
 * report upload progress.
 */
export function apiUpload<T>(path: string, file: Blob, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(requestHeaders('POST'))) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && options.onProgress) {
        options.onProgress(Math.round((event.loaded / event.total) * 100));
      }
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as T);
        return;
      }
      const apiError = errorFromBody(xhr.status, body);
      notify(apiError, true);
      reject(apiError);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'Network error'));
    xhr.onabort = () => reject(new DOMException('Upload aborted', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append(options.field ?? 'file', file, file instanceof File ? file.name : 'upload');
    xhr.send(form);
  });
}
