import { A, useParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { ELIGIBILITY_CRITERIA, type EligibilityCriterion } from '../../../shared/domain/qualification';
import { STANDARD_FORMATS, type StandardFormat } from '../../../shared/schemas/places';
import { ImportPlacesInput, MAX_IMPORT_CHARS } from '../../../shared/schemas/qualification';
import { importPlacesFile, type ImportReport } from '../api/qualification';
import { ChoiceGroup } from '../components/choice-group';
import { EligibilityQuestions, type EligibilityAnswer } from '../components/eligibility-questions';
import { FormAlert } from '../components/form-alert';
import { TextField } from '../components/text-field';
import { createSubmission, parseCount } from '../forms';
import { formatNumber, t } from '../i18n';

type Answer = EligibilityAnswer;

/**
 * `/espace/:organisationId/import-lieux`: an actor applies for several places at once from a
 * file in the national « lieux de médiation numérique » standard (JSON or CSV). Every row is
 * checked; one refused row and nothing is recorded, with the reason of each refusal.
 */
export function PlacesImportPage() {
  const params = useParams();
  const organisationId = () => Number(params.organisationId);
  const [file, setFile] = createSignal<{ name: string; content: string; tooLarge: boolean }>();
  const [report, setReport] = createSignal<ImportReport>();
  const [form, setForm] = createStore({
    format: 'csv' as StandardFormat,
    legalRepresentative: '',
    yearlyCapacity: '',
    eligibility: Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, ''])) as Record<EligibilityCriterion, Answer>,
  });
  const submission = createSubmission();

  const onFile = async (event: Event & { currentTarget: HTMLInputElement }) => {
    setReport(undefined);
    submission.reset();
    const chosen = event.currentTarget.files?.[0];
    if (!chosen) return setFile(undefined);
    // The format follows the file's extension; the person may still change it below.
    setForm('format', /\.json$/i.test(chosen.name) ? 'json' : 'csv');
    // A file far beyond the limit is not even read: the form says so on submit.
    const tooLarge = chosen.size > MAX_IMPORT_CHARS * 4;
    setFile({ name: chosen.name, content: tooLarge ? '' : await chosen.text(), tooLarge });
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setReport(undefined);
    if (file()?.tooLarge) return submission.refuse({ content: [t('placesImport.tooLarge')] }, t('form.invalid'));
    const parsed = ImportPlacesInput.safeParse({
      organisationId: organisationId(),
      format: form.format,
      content: file()?.content ?? '',
      legalRepresentative: form.legalRepresentative,
      yearlyCapacity: form.yearlyCapacity.trim() === '' ? undefined : parseCount(form.yearlyCapacity),
      eligibility: Object.fromEntries(ELIGIBILITY_CRITERIA.map((c) => [c, form.eligibility[c] === '' ? undefined : form.eligibility[c] === 'yes'])),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    await submission.run(async () => setReport(await importPlacesFile(parsed.data)));
  };

  const rowLabel = (row: number) => (row === 0 ? t('placesImport.wholeFile') : formatNumber(row));

  return (
    <section aria-labelledby="places-import-title">
      <p class="eyebrow">{t('kind.actor')}</p>
      <h1 id="places-import-title">{t('placesImport.title')}</h1>
      <p>{t('placesImport.intro')}</p>
      <p class="muted">{t('placesImport.columns')}</p>
      <form class="card form" onSubmit={onSubmit} novalidate data-testid="places-import-form">
        <FormAlert message={submission.error()} />
        <div class="field">
          <label for="places-file">{t('placesImport.file')}</label>
          <p id="places-file-hint" class="hint">
            {t('placesImport.fileHint')}
          </p>
          <input
            id="places-file"
            name="file"
            type="file"
            accept=".json,.csv,application/json,text/csv"
            onChange={(e) => void onFile(e)}
            aria-invalid={!!submission.fieldError('content')}
            aria-describedby={submission.fieldError('content') ? 'places-file-hint places-file-error' : 'places-file-hint'}
            data-testid="places-import-file"
          />
          <Show when={submission.fieldError('content')}>
            <p id="places-file-error" class="field-error">
              {submission.fieldError('content')}
            </p>
          </Show>
        </div>
        <ChoiceGroup
          name="format"
          type="radio"
          legend={t('placesImport.format')}
          options={STANDARD_FORMATS.map((f) => ({ value: f, label: f.toUpperCase() }))}
          selected={[form.format]}
          onChange={(v) => setForm('format', v[0] as StandardFormat)}
          error={submission.fieldError('format')}
          inline
        />
        <TextField
          name="legalRepresentative"
          label={t('application.legalRepresentative')}
          autocomplete="name"
          required
          value={form.legalRepresentative}
          onInput={(v) => setForm('legalRepresentative', v)}
          error={submission.fieldError('legalRepresentative')}
        />
        <TextField
          name="yearlyCapacity"
          label={t('placesImport.capacity')}
          hint={t('placesImport.capacityHint')}
          inputMode="numeric"
          value={form.yearlyCapacity}
          onInput={(v) => setForm('yearlyCapacity', v)}
          error={submission.fieldError('yearlyCapacity')}
        />
        <h2>{t('application.eligibility')}</h2>
        <p class="muted">{t('placesImport.eligibilityIntro')}</p>
        <EligibilityQuestions answers={form.eligibility} onAnswer={(criterion, answer) => setForm('eligibility', criterion, answer)} errorOf={(criterion) => submission.fieldError(`eligibility.${criterion}`)} />
        <div class="form-actions">
          <button type="submit" class="button" disabled={submission.pending()} data-testid="places-import-submit">
            {submission.pending() ? t('form.sending') : t('placesImport.submit')}
          </button>
          <A href={`/espace/${organisationId()}`}>{t('form.cancel')}</A>
        </div>
      </form>

      <div aria-live="polite">
        <Show when={report()}>{(r) => <ImportResult report={r()} rowLabel={rowLabel} />}</Show>
      </div>
    </section>
  );
}

function ImportResult(props: { report: ImportReport; rowLabel: (row: number) => string }) {
  return (
    <section class="card" aria-labelledby="places-import-report" data-testid="places-import-report">
      <Show
        when={props.report.errors.length === 0}
        fallback={
          <>
            <h2 id="places-import-report">{t('placesImport.refused', { count: formatNumber(props.report.errors.length) })}</h2>
            <div class="table-scroll">
              <table class="compact-table" data-testid="places-import-errors">
                <thead>
                  <tr>
                    <th scope="col">{t('placesImport.row')}</th>
                    <th scope="col">{t('placesImport.field')}</th>
                    <th scope="col">{t('placesImport.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={props.report.errors}>
                    {(error) => (
                      <tr>
                        <td>{props.rowLabel(error.row)}</td>
                        <td>
                          <code>{error.field ?? '—'}</code>
                        </td>
                        <td>{error.message}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </>
        }
      >
        <h2 id="places-import-report">{t('placesImport.created', { count: formatNumber(props.report.created.length) })}</h2>
        <Show when={props.report.created.length > 0}>
          <ul data-testid="places-import-created">
            <For each={props.report.created}>
              {(place) => (
                <li>
                  <A href={`/lieux/${place.placeId}`}>{place.name}</A>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={props.report.alreadyKnown.length > 0}>
          <p class="muted">{t('placesImport.alreadyKnown', { count: formatNumber(props.report.alreadyKnown.length) })}</p>
          <ul data-testid="places-import-known">
            <For each={props.report.alreadyKnown}>{(place) => <li>{place.name}</li>}</For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
