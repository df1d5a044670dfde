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
