import { createResource, For, Show } from 'solid-js';
import { fetchNationalSummary } from '../api/organisations';
import { ErrorBox } from '../components/error-box';
import { formatNumber, t } from '../i18n';
import { valueOf } from '../resource';

/** The operator's national view: qualified places against the 3 000 target, by département. */
export function NationalPage() {
  const [summary] = createResource(fetchNationalSummary);
  return (
    <section aria-labelledby="national-title">
      <p class="eyebrow">{t('kind.operator')}</p>
      <h1 id="national-title">{t('operator.title')}</h1>
      <Show when={summary.error}>
        <ErrorBox error={summary.error} />
      </Show>
      <Show when={valueOf(summary)} fallback={<p class="loading">{t('app.loading')}</p>}>
        {(s) => (
          <>
            <div class="kpis">
              <div class="card kpi">
                <p class="kpi-label">{t('operator.qualified')}</p>
                <p class="kpi-value" data-testid="qualified-places">
                  {formatNumber(s().qualifiedPlaces)}
                </p>
                <p class="muted">{t('operator.target', { target: formatNumber(s().targetPlaces) })}</p>
                <progress
                  max={s().targetPlaces}
                  value={s().qualifiedPlaces}
                  aria-label={t('operator.progressLabel', { count: s().qualifiedPlaces, target: s().targetPlaces })}
                />
              </div>
              <div class="card kpi">
                <p class="kpi-label">{t('operator.applied')}</p>
                <p class="kpi-value">{formatNumber(s().appliedPlaces)}</p>
              </div>
              <div class="card kpi">
                <p class="kpi-label">{t('operator.suspended')}</p>
                <p class="kpi-value">{formatNumber(s().suspendedPlaces)}</p>
              </div>
            </div>
            <h2 id="by-departement">{t('operator.byDepartement')}</h2>
            <table aria-labelledby="by-departement">
              <thead>
                <tr>
                  <th scope="col">{t('operator.departement')}</th>
                  <th scope="col">{t('operator.region')}</th>
                  <th scope="col">{t('qualification.qualified')}</th>
                  <th scope="col">{t('qualification.applied')}</th>
                  <th scope="col">{t('qualification.suspended')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={s().departements}>
                  {(d) => (
                    <tr>
                      <th scope="row">
                        {d.nom} ({d.code})
                      </th>
                      <td>{d.region}</td>
                      <td>{d.qualified}</td>
                      <td>{d.applied}</td>
                      <td>{d.suspended}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </>
        )}
      </Show>
    </section>
  );
}
