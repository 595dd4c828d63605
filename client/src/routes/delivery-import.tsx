import { useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { importTemplate, pseudonymiseReferences } from '../../../shared/domain/delivery-import';
import type { ImportProgress } from '../../../shared/events';
import { fetchImport, fetchImportReport, fetchImportReportCsv, UploadRefused, uploadDeliveries } from '../api/imports';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { downloadFile } from '../download';
import { formatNumber, t } from '../i18n';
import { beneficiaryRef, canPseudonymise } from '../pseudonym';
import { useRoom } from '../realtime';
import { valueOf } from '../resource';

/**
 * `/espace/:organisationId/import-prestations`: an actor uploads a CSV of deliveries and watches it
 * being recorded. The person column is replaced by its empreinte here, in the browser, with the
 * delivery form's rule; the import's id goes in the address, so a reload follows the same import.
 */
export function DeliveryImportPage() {
  const params = useParams();
  const [search, setSearch] = useSearchParams();
  const organisationId = () => Number(params.organisationId);
  const importId = () => {
    const id = Number(search.import);
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  };
  const [file, setFile] = createSignal<File>();
  const [phase, setPhase] = createSignal<'idle' | 'hashing' | 'sending'>('idle');
  const [error, setError] = createSignal<string>();

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    const chosen = file();
    if (!chosen) return setError(t('import.chooseFile'));
    if (!canPseudonymise()) return setError(t('delivery.insecure'));
    try {
      setPhase('hashing');
      const { text } = await pseudonymiseReferences(await chosen.text(), (reference) => beneficiaryRef(organisationId(), reference));
      setPhase('sending');
      const { importId: id } = await uploadDeliveries(organisationId(), chosen.name, text);
      setSearch({ import: String(id) });
    } catch (e) {
      setError(e instanceof UploadRefused ? e.message : t('form.network'));
    } finally {
      setPhase('idle');
    }
  };

  return (
    <section aria-labelledby="import-title">
      <p class="eyebrow">{t('import.eyebrow')}</p>
      <h1 id="import-title">{t('import.title')}</h1>
      <p>{t('import.intro')}</p>

      <section class="card" aria-labelledby="import-format">
        <h2 id="import-format">{t('import.formatTitle')}</h2>
        <p>{t('import.format')}</p>
        <p>{t('import.privacy')}</p>
        <p>{t('import.replay')}</p>
        <button type="button" class="button ghost" data-testid="import-template" onClick={() => downloadFile({ filename: 'modele-import-prestations.csv', content: importTemplate() })}>
          {t('import.template')}
        </button>
      </section>

      <form class="card spaced" onSubmit={onSubmit} novalidate aria-label={t('import.formLabel')} data-testid="import-form">
        <FormAlert message={error()} testid="import-error" />
        <div class="field">
          <label for="import-file">{t('import.file')}</label>
          <p id="import-file-hint" class="hint">
            {t('import.fileHint')}
          </p>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="import-file-hint"
            data-testid="import-file"
            onChange={(e) => {
              setError(undefined);
              setFile(e.currentTarget.files?.[0]);
            }}
          />
        </div>
        <div class="form-actions">
          <button type="submit" class="button" disabled={phase() !== 'idle'} data-testid="import-submit">
            {t('import.submit')}
          </button>
          <span role="status">{phase() === 'hashing' ? t('import.hashing') : phase() === 'sending' ? t('import.sending') : ''}</span>
        </div>
      </form>

      <Show when={importId()} keyed>
        {(id) => <ImportFollowUp importId={id} />}
      </Show>
    </section>
  );
}

/** What imports.report lists at most: the page says so when the list is cut. */
const PROBLEMS_SHOWN = 200;

/** Only moves forward: a late refetch never takes back counts an event already showed. */
const newer = (current: ImportProgress | undefined, next: ImportProgress) =>
  !current || next.done || (!current.done && next.processedRows >= current.processedRows) ? next : current;

/** One import, followed live in its room (a refetch on joining and on any gap), then its report. */
function ImportFollowUp(props: { importId: number }) {
  const [progress, setProgress] = createSignal<ImportProgress>();
  const [failure, setFailure] = createSignal<unknown>();
  const refetch = () => {
    fetchImport(props.importId).then((state) => setProgress((current) => newer(current, state)), setFailure);
  };
  useRoom(`import:${props.importId}`, 'import.progress', (message) => setProgress((current) => newer(current, message.payload)), refetch);
  refetch();

  const [report] = createResource(() => (progress()?.done ? props.importId : undefined), fetchImportReport);
  const [downloadError, setDownloadError] = createSignal<string>();
  const [downloading, setDownloading] = createSignal(false);
  const onDownload = async () => {
    setDownloading(true);
    setDownloadError(undefined);
    try {
      downloadFile(await fetchImportReportCsv(props.importId));
    } catch (e) {
      setDownloadError(e instanceof Error ? e.message : String(e));
    } finally {
      setDownloading(false);
    }
  };
  const percent = (p: ImportProgress) => (p.totalRows ? Math.floor((p.processedRows * 100) / p.totalRows) : 100);

  return (
    <section class="card" aria-labelledby="import-progress-title" data-testid="import-follow-up">
      <h2 id="import-progress-title">{t('import.progressTitle', { id: props.importId })}</h2>
      <Show when={failure()}>
        <ErrorBox error={failure()} />
      </Show>
      <Show when={progress()}>
        {(p) => (
          <>
            <div class="progress-line">
              <progress
                id="import-progress"
                aria-label={t('import.progressLabel')}
                value={p().processedRows}
                max={p().totalRows}
                data-testid="import-progress"
                data-value={p().processedRows}
                data-max={p().totalRows}
                data-status={p().status}
              />
              <span class="progress-text">
                {t('import.progressText', { processed: formatNumber(p().processedRows), total: formatNumber(p().totalRows), percent: percent(p()) })}
              </span>
            </div>
            <dl class="facts">
              <div>
                <dt>{t('import.accepted')}</dt>
                <dd data-testid="import-accepted">{formatNumber(p().accepted)}</dd>
              </div>
              <div>
                <dt>{t('import.duplicates')}</dt>
                <dd data-testid="import-duplicates">{formatNumber(p().duplicates)}</dd>
              </div>
              <div>
                <dt>{t('import.refused')}</dt>
                <dd data-testid="import-refused">{formatNumber(p().refused)}</dd>
              </div>
            </dl>
            <p role="status" data-testid="import-status">
              {p().status === 'processing' ? t('import.processing') : p().status === 'done' ? t('import.done') : p().status === 'interrupted' ? t('import.interrupted') : t('import.failed')}
            </p>
            <Show when={p().done}>
              <div class="form-actions">
                <button type="button" class="button" disabled={downloading()} onClick={() => void onDownload()} data-testid="import-report">
                  {t('import.report')}
                </button>
              </div>
              <FormAlert message={downloadError()} />
            </Show>
          </>
        )}
      </Show>
      <Show when={valueOf(report)?.problems.length}>
        <h3 id="import-problems">{t('import.problemsTitle')}</h3>
        <Show when={valueOf(report)!.problems.length >= PROBLEMS_SHOWN}>
          <p class="muted">{t('import.problemsShown', { count: formatNumber(PROBLEMS_SHOWN) })}</p>
        </Show>
        <div class="table-scroll">
          <table aria-labelledby="import-problems" data-testid="import-problems">
            <thead>
              <tr>
                <th scope="col" class="num">
                  {t('import.line')}
                </th>
                <th scope="col">{t('import.status')}</th>
                <th scope="col">{t('import.column')}</th>
                <th scope="col">{t('import.reason')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={valueOf(report)!.problems}>
                {(problem) => (
                  <tr>
                    <td class="num">{problem.line}</td>
                    <td>{problem.status === 'refused' ? t('import.statusRefused') : t('import.statusDuplicate')}</td>
                    <td>{problem.field ?? '—'}</td>
                    <td>{problem.message}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
