import { describe, expect, it } from 'vitest';
import { fileNameOf } from './content-disposition';

describe('fileNameOf', () => {
  it('reads the quoted file name the API sends', () => {
    expect(fileNameOf('attachment; filename="meritum-statement-2026-11-all-claims.csv"')).toBe(
      'meritum-statement-2026-11-all-claims.csv',
    );
  });

  it('reads a file name without quotes, up to the next parameter', () => {
    expect(fileNameOf('attachment; filename=statement.pdf; size=1200')).toBe('statement.pdf');
  });

  it('unescapes quotes and backslashes inside a quoted name', () => {
    expect(fileNameOf('attachment; filename="the \\"final\\" one.csv"')).toBe(
      'the "final" one.csv',
    );
  });

  it('prefers the UTF-8 filename* to the plain one', () => {
    expect(
      fileNameOf(`attachment; filename="releve.pdf"; filename*=UTF-8''relev%C3%A9-2026-11.pdf`),
    ).toBe('relevé-2026-11.pdf');
  });

  it('falls back to the plain name when filename* is not valid percent-encoding', () => {
    expect(fileNameOf(`attachment; filename="plain.csv"; filename*=UTF-8''bad%E0%A4`)).toBe(
      'plain.csv',
    );
  });

  it('keeps only the last part of a name that looks like a path', () => {
    expect(fileNameOf('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(fileNameOf('attachment; filename="C:\\\\temp\\\\x.csv"')).toBe('x.csv');
  });

  it('gives null when there is no header, no name, or an empty one', () => {
    expect(fileNameOf(null)).toBeNull();
    expect(fileNameOf('attachment')).toBeNull();
    expect(fileNameOf('attachment; filename=""')).toBeNull();
    expect(fileNameOf('attachment; filename=".."')).toBeNull();
  });

  it('does not take a parameter merely ending in filename for the name', () => {
    expect(fileNameOf('attachment; xfilename="no.csv"')).toBeNull();
  });
});
