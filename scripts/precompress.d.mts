export const MIN_BYTES: number;
export function precompressDir(dir: string): Promise<{ files: number; raw: number; br: number; gz: number }>;
