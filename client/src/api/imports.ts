import { trpc } from './client';

/** The bulk delivery import (decision 0016): the upload is a plain POST of the CSV, the rest tRPC. */

export interface UploadAnswer {
  importId: number;
  totalRows: number;
}

/** A refusal of the whole file by the server (header, size, rights…), with its French message. */
export class UploadRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Sends the (already pseudonymised) CSV; resolves once the server has read it, with the import's id. */
export async function uploadDeliveries(organisationId: number, fileName: string, content: string): Promise<UploadAnswer> {
  const query = new URLSearchParams({ organisationId: String(organisationId), fileName: fileName.slice(0, 200) });
  const response = await fetch(`/api/imports/deliveries?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv; charset=utf-8' },
    body: content,
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => undefined)) as (UploadAnswer & { error?: { message?: string } }) | undefined;
  if (response.status !== 202 || !body) throw new UploadRefused(body?.error?.message ?? `HTTP ${response.status}`, response.status);
  return body;
}

export const fetchImport = (importId: number) => trpc.imports.get.query({ importId });
export const fetchImportReport = (importId: number) => trpc.imports.report.query({ importId });
export const fetchImportReportCsv = (importId: number) => trpc.imports.reportCsv.query({ importId });

export type DeliveryImport = Awaited<ReturnType<typeof fetchImport>>;
export type ImportProblem = Awaited<ReturnType<typeof fetchImportReport>>['problems'][number];
