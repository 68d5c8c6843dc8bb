/**
 * The file name a content-disposition header gives, or null when it gives none: the RFC 6266
 * `filename*` (UTF-8, percent-encoded) before the plain `filename`, quoted or not. Anything
 * before a slash or backslash is dropped: a name is not a path.
 */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /(?:^|;)\s*filename\*\s*=\s*utf-8'[^']*'([^;\s]+)/i.exec(header)?.[1];
  if (extended !== undefined) {
    const decoded = decode(extended);
    if (decoded) return baseName(decoded);
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
  return name ? baseName(name) : null;
}

function decode(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

const baseName = (name: string) => {
  const base = name.split(/[/\\]/).at(-1)?.trim() ?? '';
  return base === '' || base === '.' || base === '..' ? null : base;
};
