export const BUNDLE: string;
export function newestSource(): number;
export function bundleIsCurrent(): boolean;
