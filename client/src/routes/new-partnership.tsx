import { useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createResource, on, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { PARTNERSHIP_KINDS } from '../../../shared/domain/enums';
import { CreatePartnershipInput } from '../../../shared/schemas/partnerships';
import { fetchOrganisation } from '../api/organisations';
import { createPartnership } from '../api/partnerships';
import { ChoiceGroup } from '../components/choice-group';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { DepartementSelect } from '../components/departement-select';
import { TextField } from '../components/text-field';
import { createSubmission, parsePercentBps, schemaErrors } from '../forms';
import { t } from '../i18n';
import { reconnectRealtime } from '../realtime';
import { valueOf } from '../resource';
import { actorOrganisationId, refetchMe } from '../session';

/** `/partenariats/nouveau?organisation=ID`: an actor forms a partnership and becomes its lead. */
export function NewPartnershipPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const organisationId = () => Number(search.organisation) || actorOrganisationId() || 0;
  const [organisation] = createResource(organisationId, fetchOrganisation);

  const [form, setForm] = createStore({
    name: '',
    kind: 'cae' as string,
    departementCodes: [] as string[],
    fee: '5',
    charter: '',
  });
  // The lead's own département is the usual territory.
  createEffect(
    on(() => valueOf(organisation), (org) => {
      if (org?.departementCode && form.departementCodes.length === 0) setForm('departementCodes', [org.departementCode]);
    }),
  );

  const submission = createSubmission();
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const poolingFeeBps = parsePercentBps(form.fee);
    const parsed = CreatePartnershipInput.safeParse({
      organisationId: organisationId(),
      kind: form.kind,
      name: form.name,
      departementCodes: form.departementCodes,
      poolingFeeBps: poolingFeeBps ?? Number.NaN,
      charter: form.charter,
    });
    if (poolingFeeBps === undefined) {
      const others = parsed.success ? {} : schemaErrors(parsed.error);
      return submission.refuse({ ...others, poolingFeeBps: [t('newPartnership.feeInvalid')] }, t('form.invalid'));
    }
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    let partnershipId = 0;
    const ok = await submission.run(async () => {
      partnershipId = (await createPartnership(parsed.data)).partnershipId;
    });
    if (ok) {
      // The user now belongs to the partnership's organisation: the menu and the socket's rights follow.
      await refetchMe();
      reconnectRealtime();
      navigate(`/partenariats/${partnershipId}`);
    }
  };

  return (
    <section aria-labelledby="new-partnership-title">
      <p class="eyebrow">{t('kind.partnership')}</p>
      <h1 id="new-partnership-title">{t('newPartnership.title')}</h1>
      <Show when={organisation.error}>
        <ErrorBox error={organisation.error} />
      </Show>
      <Show when={valueOf(organisation)}>
        {(org) => (
          <Show when={org().kind === 'actor'} fallback={<p class="alert error" role="alert">{t('newPartnership.notActor')}</p>}>
            <p>{t('newPartnership.intro', { organisation: org().name })}</p>
            <form class="card form" onSubmit={onSubmit} novalidate data-testid="partnership-form">
              <FormAlert message={submission.error()} />
              <TextField
                name="name"
                label={t('newPartnership.name')}
                required
                value={form.name}
                onInput={(v) => setForm('name', v)}
                error={submission.fieldError('name')}
                testid="partnership-name"
              />
              <ChoiceGroup
                name="kind"
                type="radio"
                legend={t('newPartnership.kind')}
                options={PARTNERSHIP_KINDS.map((kind) => ({ value: kind, label: t(`partnershipKind.${kind}`) }))}
                selected={[form.kind]}
                onChange={(v) => setForm('kind', v[0] ?? 'cae')}
                error={submission.fieldError('kind')}
              />
              <DepartementSelect
                id="departementCodes"
                label={t('newPartnership.departements')}
                selected={form.departementCodes}
                onChange={(codes) => setForm('departementCodes', codes)}
                error={submission.fieldError('departementCodes')}
                testid="partnership-departements"
              />
              <TextField
                name="poolingFeeBps"
                label={t('newPartnership.fee')}
                inputMode="decimal"
                required
                value={form.fee}
                onInput={(v) => setForm('fee', v)}
                hint={t('newPartnership.feeHint')}
                error={submission.fieldError('poolingFeeBps')}
                testid="partnership-fee"
              />
              <TextField
                name="charter"
                label={t('newPartnership.charter')}
                multiline
                value={form.charter}
                onInput={(v) => setForm('charter', v)}
                hint={t('newPartnership.charterHint')}
                error={submission.fieldError('charter')}
                testid="partnership-charter"
              />
              <div class="form-actions">
                <button type="submit" class="button" disabled={submission.pending()} data-testid="partnership-submit">
                  {submission.pending() ? t('form.sending') : t('newPartnership.submit')}
                </button>
              </div>
            </form>
          </Show>
        )}
      </Show>
    </section>
  );
}
