import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { todayIso } from '../../../shared/domain/orders';
import { departementLabel } from '../../../shared/domain/territory';
import { CreateRoundInput } from '../../../shared/schemas/rounds';
import { closeRound, createRound, fetchRounds, openRound, type Round } from '../api/rounds';
import { RoundStatusBadge } from '../components/dashboard-parts';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { DepartementSelect } from '../components/departement-select';
import { TextField } from '../components/text-field';
import { createSubmission, parseEuros } from '../forms';
import { formatDate, money, t } from '../i18n';
import { valueOf } from '../resource';
import { me } from '../session';

const isOperator = () => me()?.memberships.some((m) => m.organisationKind === 'operator') ?? false;

/** `/campagnes`: the funding rounds, their dashboards; the operator creates, opens and closes them. */
export function RoundsPage() {
  const [rounds, { refetch }] = createResource(fetchRounds);
  const [announcement, setAnnouncement] = createSignal('');
  const move = createSubmission();

  const step = async (round: Round, to: 'open' | 'closed') => {
    const ok = await move.run(() => (to === 'open' ? openRound(round.id) : closeRound(round.id)));
    if (ok) {
      setAnnouncement(t(to === 'open' ? 'rounds.opened' : 'rounds.closed', { name: round.name }));
      void refetch();
    }
  };

  return (
    <section aria-labelledby="rounds-title">
      <p class="eyebrow">{t('round.eyebrow')}</p>
      <h1 id="rounds-title">{t('rounds.title')}</h1>
      <p>{t('rounds.intro')}</p>
      <p class="success" role="status">
        {announcement()}
      </p>
      <FormAlert message={move.error()} />
      <Show when={rounds.error}>
        <ErrorBox error={rounds.error} />
      </Show>
      <Show when={valueOf(rounds)} fallback={<Show when={!rounds.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p>{t('rounds.empty')}</p>}>
            <div class="table-scroll">
              <table>
                <caption class="visually-hidden">{t('rounds.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('rounds.name')}</th>
                    <th scope="col">{t('funder.orderStatus')}</th>
                    <th scope="col">{t('rounds.departements')}</th>
                    <th scope="col">{t('rounds.period')}</th>
                    <th scope="col" class="num">{t('rounds.target')}</th>
                    <Show when={isOperator()}>
                      <th scope="col">{t('bids.actions')}</th>
                    </Show>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(round) => (
                      <tr data-testid="round-row" data-round-id={round.id}>
                        <th scope="row">
                          <A href={`/campagnes/${round.id}`}>{round.name}</A>
                        </th>
                        <td>
                          <RoundStatusBadge status={round.status} />
                        </td>
                        <td>{round.departementCodes.map(departementLabel).join(', ')}</td>
                        <td>{t('round.dates', { from: formatDate(round.opensOn), to: formatDate(round.closesOn) })}</td>
                        <td class="num">{money(round.targetCents)}</td>
                        <Show when={isOperator()}>
                          <td>
                            <Show when={round.status === 'draft'}>
                              <button
                                type="button"
                                class="button small"
                                disabled={move.pending()}
                                onClick={() => void step(round, 'open')}
                                aria-label={t('rounds.openLabel', { name: round.name })}
                                data-testid="open-round"
                              >
                                {t('rounds.open')}
                              </button>
                            </Show>
                            <Show when={round.status === 'open'}>
                              <button
                                type="button"
                                class="button small danger-outline"
                                disabled={move.pending()}
                                onClick={() => void step(round, 'closed')}
                                aria-label={t('rounds.closeLabel', { name: round.name })}
                                data-testid="close-round"
                              >
                                {t('rounds.close')}
                              </button>
                            </Show>
                          </td>
                        </Show>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
      <Show when={isOperator()}>
        <NewRoundForm
          onCreated={(name) => {
            setAnnouncement(t('rounds.created', { name }));
            void refetch();
          }}
        />
      </Show>
    </section>
  );
}

/** The operator drafts a round: name, départements, dates and target (euros, read as cents). */
function NewRoundForm(props: { onCreated: (name: string) => void }) {
  const empty = () => ({ name: '', departementCodes: [] as string[], opensOn: todayIso(), closesOn: todayIso(), target: '' });
  const [form, setForm] = createStore(empty());
  const submission = createSubmission();
  const targetCents = () => parseEuros(form.target);

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = CreateRoundInput.safeParse({
      name: form.name,
      departementCodes: form.departementCodes,
      opensOn: form.opensOn,
      closesOn: form.closesOn,
      targetCents: targetCents() ?? Number.NaN,
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const ok = await submission.run(() => createRound(parsed.data));
    if (ok) {
      props.onCreated(parsed.data.name);
      setForm(empty());
    }
  };

  const departementsError = () => submission.fieldError('departementCodes');
  return (
    <form class="card form spaced" onSubmit={onSubmit} novalidate aria-labelledby="new-round-title" data-testid="round-form">
      <h2 id="new-round-title">{t('rounds.new')}</h2>
      <FormAlert message={submission.error()} />
      <TextField name="round-name" label={t('rounds.name')} required value={form.name} onInput={(v) => setForm('name', v)} error={submission.fieldError('name')} />
      <DepartementSelect
        id="round-departements"
        label={t('rounds.departements')}
        selected={form.departementCodes}
        onChange={(codes) => setForm('departementCodes', codes)}
        error={departementsError()}
      />
      <div class="field-row">
        <TextField
          name="round-opens"
          type="date"
          label={t('rounds.opensOn')}
          required
          value={form.opensOn}
          onInput={(v) => setForm('opensOn', v)}
          error={submission.fieldError('opensOn')}
        />
        <TextField
          name="round-closes"
          type="date"
          label={t('rounds.closesOn')}
          min={form.opensOn}
          required
          value={form.closesOn}
          onInput={(v) => setForm('closesOn', v)}
          error={submission.fieldError('closesOn')}
        />
        <TextField
          name="round-target"
          label={t('rounds.targetEuros')}
          hint={t('form.eurosHint')}
          inputMode="decimal"
          required
          value={form.target}
          onInput={(v) => setForm('target', v)}
          error={submission.fieldError('targetCents') ?? (form.target.trim() !== '' && targetCents() === undefined ? t('form.eurosInvalid') : undefined)}
        />
      </div>
      <div class="form-actions">
        <button type="submit" class="button" disabled={submission.pending()} data-testid="round-submit">
          {submission.pending() ? t('form.sending') : t('rounds.submit')}
        </button>
      </div>
    </form>
  );
}
