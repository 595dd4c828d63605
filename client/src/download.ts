/** Saves a file the server produced (a CSV statement) under its own name. */
export function downloadFile(file: { filename: string; content: string }, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([file.content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
