import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrModules } from '../components/qr-svg';
import { activationLink, codeFromLink } from './activation-link';

describe('the link of an activation slip', () => {
  it('opens the activation page with the code and nothing else', () => {
    expect(activationLink('https://peixun.example.cn', 'ABCD2345')).toBe(
      'https://peixun.example.cn/activate?code=ABCD2345',
    );
    const url = new URL(activationLink('http://127.0.0.1:3000', 'ABCD2345'));
    expect([...url.searchParams.keys()]).toEqual(['code']);
  });

  it('gives the code back as the form shows it, whatever was done to it on the way', () => {
    expect(codeFromLink('ABCD2345')).toBe('ABCD-2345');
    expect(codeFromLink('abcd-2345')).toBe('ABCD-2345');
    expect(codeFromLink(' abcd 2345 ')).toBe('ABCD-2345');
    expect(codeFromLink('<script>')).toBe('SCRI-PT');
    expect(codeFromLink(null)).toBe('');
  });

  it('is what the QR code on the slip holds', () => {
    const link = activationLink('https://peixun.example.cn', 'ABCD2345');
    const { size, dark } = qrModules(link);
    const qr = QRCode.create(link, { errorCorrectionLevel: 'M' });
    expect(size).toBe(qr.modules.size);
    expect(dark).toEqual(Array.from(qr.modules.data, (v) => Boolean(v)));
  });
});
