/**
 * Hands a file to the browser's downloads, under its name. The file arrived through fetch, so a
 * refusal could be shown on the page instead of the browser navigating to an error's JSON.
 */
export function saveFile(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked at once, some browsers cancel the download they have just begun.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
