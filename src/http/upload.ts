import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { errorMessage, pickLocale } from '../i18n/messages.js';

/** The one uploaded file of a multipart request (field "file"), with clear 4xx errors for bad bodies. */
export async function readUploadedFile(req: FastifyRequest): Promise<{ name: string; data: Buffer }> {
  if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  try {
    const part = await req.file();
    if (!part)
      throw new AppError('VALIDATION_FAILED', {
        details: {
          issues: [
            { path: 'file', message: errorMessage('VALIDATION_FAILED', pickLocale(req.headers['accept-language'])) },
          ],
        },
      });
    const data = await part.toBuffer();
    return { name: part.filename || 'upload', data };
  } catch (e) {
    // the multipart parser reports a malformed body (no boundary, broken part headers) with a plain Error
    if (e instanceof AppError || typeof (e as { statusCode?: unknown }).statusCode === 'number') throw e;
    throw new AppError('BAD_REQUEST', { details: { reason: 'malformed_multipart' }, cause: e });
  }
}

/**
 * The one file of a multipart request (field "file") as a stream, for files too large to hold in
 * memory: up to `maxBytes` (a body declaring more is refused before it is read); the use case checks
 * the bytes as they come and writes them to disk. Null when the body holds no file.
 */
export async function streamUploadedFile(
  req: FastifyRequest,
  maxBytes: number,
): Promise<{ name: string; stream: Readable } | null> {
  if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const declared = Number(req.headers['content-length'] ?? 0);
  // the part headers and boundaries add a few hundred bytes to the file itself
  if (declared > maxBytes + 64 * 1024)
    throw new AppError('STUDY_FILE_TOO_LARGE', { params: { maxMb: Math.floor(maxBytes / 1_048_576) } });
  try {
    const part = await req.file({
      // one more byte than allowed reaches the use case, which refuses it with the limit of the file's kind
      limits: { fileSize: maxBytes + 1, files: 1, fields: 10, parts: 12 },
      throwFileSizeLimit: false,
    });
    return part ? { name: part.filename || 'upload', stream: part.file } : null;
  } catch (e) {
    if (e instanceof AppError || typeof (e as { statusCode?: unknown }).statusCode === 'number') throw e;
    throw new AppError('BAD_REQUEST', { details: { reason: 'malformed_multipart' }, cause: e });
  }
}
