import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { handOverLead, invitePlace, leavePartnership, type PartnershipDetail, type PartnershipMember } from '../api/partnerships';
import { fetchPlacesOfOrganisation } from '../api/places';
import { createSubmission, parseCount } from '../forms';
import { formatDate, t } from '../i18n';
import { valueOf } from '../resource';
import { isMemberOf } from '../session';
import { MemberStatusBadge } from './badges';
import { FormAlert } from './form-alert';
import { TextField } from './text-field';

type Detail = Pick<PartnershipDetail, 'id' | 'organisationId' | 'leadOrganisationId'>;

/**
 * The member places with their status; the actor of an active place may take it out of the
 * partnership (the server refuses while it still has services to deliver under it).
 */
export function MembersTable(props: { partnership: Detail; members: PartnershipMember[]; onChanged: () => void }) {
  const submission = createSubmission();
  const [done, setDone] = createSignal('');

  const leave = async (member: PartnershipMember) => {
    setDone('');
    const ok = await submission.run(() => leavePartnership({ partnershipId: props.partnership.id, placeId: member.placeId }));
    if (ok) {
      setDone(t('partnershipPage.left', { place: member.placeName }));
      props.onChanged();
    }
  };

  return (
    <>
      <FormAlert message={submission.error()} testid="members-error" />
      <p class="success" role="status">
        {done()}
      </p>
      <Show when={props.members.length > 0} fallback={<p>{t('partnershipPage.noMembers')}</p>}>
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{t('partnershipPage.members')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('partnershipPage.place')}</th>
                <th scope="col">{t('partnershipPage.actor')}</th>
                <th scope="col">{t('partnershipPage.status')}</th>
                <th scope="col">{t('partnershipPage.since')}</th>
                <th scope="col">{t('partnershipPage.actions')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.members}>
                {(member) => (
                  <tr data-testid="member-row" data-place-id={member.placeId} data-status={member.status}>
                    <th scope="row">{member.placeName}</th>
                    <td>
                      {member.organisationName}
                      <Show when={member.organisationId === props.partnership.leadOrganisationId}>
                        <span class="tag"> · {t('partnerships.lead')}</span>
                      </Show>
                    </td>
                    <td>
                      <MemberStatusBadge status={member.status} />
                    </td>
                    <td>{member.joinedAt ? formatDate(member.joinedAt) : '—'}</td>
                    <td>
                      <Show when={isMemberOf(member.organisationId) && member.status === 'active'}>
                        <button
                          type="button"
                          class="button small danger-outline"
                          disabled={submission.pending()}
                          onClick={() => void leave(member)}
                          data-testid="leave-member"
                        >
                          {t('partnershipPage.leave')}
                          <span class="visually-hidden"> {t('partnershipPage.leaveFor', { place: member.placeName })}</span>
                        </button>
                      </Show>
                      <Show when={isMemberOf(member.organisationId) && member.status === 'invited'}>
                        <A href={`/espace/${member.organisationId}/invitations`}>{t('partnershipPage.answer')}</A>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </>
  );
}

/**
 * The lead invites a place: one of its own from a list (they join at once), or another actor's by
 * its number — there is no place search in the API yet.
 */
export function InviteForm(props: { partnership: Detail; members: PartnershipMember[]; onChanged: () => void }) {
  const [ownPlaces] = createResource(() => props.partnership.leadOrganisationId, fetchPlacesOfOrganisation);
  const invitable = () => {
    const taken = new Set(props.members.filter((m) => m.status === 'active' || m.status === 'invited').map((m) => m.placeId));
    return (valueOf(ownPlaces) ?? []).filter((p) => p.status === 'qualified' && !taken.has(p.id));
  };
  const [placeId, setPlaceId] = createSignal('');
  const [done, setDone] = createSignal('');
  const submission = createSubmission();

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setDone('');
    const id = parseCount(placeId());
    if (!Number.isSafeInteger(id) || id <= 0) return submission.refuse({ placeId: [t('form.numberRequired')] }, t('form.invalid'));
    let status = '';
    const ok = await submission.run(async () => {
      status = (await invitePlace({ partnershipId: props.partnership.id, placeId: id })).status;
    });
    if (ok) {
      setDone(t(status === 'active' ? 'invite.joined' : 'invite.invited', { id }));
      setPlaceId('');
      props.onChanged();
    }
  };

  return (
    <form class="card form" onSubmit={onSubmit} novalidate aria-labelledby="invite-title" data-testid="invite-form">
      <h3 id="invite-title">{t('invite.title')}</h3>
      <p class="hint">{t('invite.intro')}</p>
      <FormAlert message={submission.error()} />
      <Show when={invitable().length > 0}>
        <div class="field">
          <label for="invite-own-place">{t('invite.ownPlace')}</label>
          <select
            id="invite-own-place"
            value={invitable().some((p) => String(p.id) === placeId()) ? placeId() : ''}
            onChange={(e) => setPlaceId(e.currentTarget.value)}
            data-testid="invite-own-place"
          >
            <option value="">{t('invite.choose')}</option>
            <For each={invitable()}>{(p) => <option value={String(p.id)}>{t('invite.option', { name: p.name, id: p.id })}</option>}</For>
          </select>
        </div>
      </Show>
      <TextField
        name="placeId"
        id="invite-place-id"
        label={t('invite.placeId')}
        inputMode="numeric"
        value={placeId()}
        onInput={setPlaceId}
        hint={t('invite.placeIdHint')}
        error={submission.fieldError('placeId')}
        testid="invite-place-id"
      />
      <div class="form-actions">
        <button type="submit" class="button" disabled={submission.pending()} data-testid="invite-submit">
          {submission.pending() ? t('form.sending') : t('invite.submit')}
        </button>
      </div>
      <p class="success" role="status">
        {done()}
      </p>
    </form>
  );
}

/** The lead hands the role to the actor of an active member place. */
export function HandoverForm(props: { partnership: Detail; members: PartnershipMember[]; onHandedOver: (message: string) => void }) {
  const candidates = () => {
    const seen = new Map<number, string>();
    for (const m of props.members) {
      if (m.status !== 'active' || m.organisationId === props.partnership.leadOrganisationId || m.organisationId === props.partnership.organisationId) continue;
      seen.set(m.organisationId, m.organisationName);
    }
    return [...seen].map(([id, name]) => ({ id, name }));
  };
  const [target, setTarget] = createSignal('');
  const submission = createSubmission();

  // The form disappears with the lead role: the page says what happened.
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const chosen = candidates().find((c) => String(c.id) === target());
    if (!chosen) return submission.refuse({ organisationId: [t('form.required')] }, t('form.invalid'));
    const ok = await submission.run(() => handOverLead({ partnershipId: props.partnership.id, organisationId: chosen.id }));
    if (ok) props.onHandedOver(t('handover.done', { organisation: chosen.name }));
  };

  return (
    <form class="card form" onSubmit={onSubmit} novalidate aria-labelledby="handover-title" data-testid="handover-form">
      <h3 id="handover-title">{t('handover.title')}</h3>
      <p class="hint">{t('handover.intro')}</p>
      <FormAlert message={submission.error()} />
      <Show when={candidates().length > 0} fallback={<p>{t('handover.none')}</p>}>
        <div class="field">
          <label for="handover-target">{t('handover.target')}</label>
          <select
            id="handover-target"
            value={target()}
            onChange={(e) => setTarget(e.currentTarget.value)}
            aria-invalid={!!submission.fieldError('organisationId')}
            aria-describedby={submission.fieldError('organisationId') ? 'handover-target-error' : undefined}
            data-testid="handover-target"
          >
            <option value="">{t('invite.choose')}</option>
            <For each={candidates()}>{(c) => <option value={String(c.id)}>{c.name}</option>}</For>
          </select>
          <Show when={submission.fieldError('organisationId')}>
            <p id="handover-target-error" class="field-error">
              {submission.fieldError('organisationId')}
            </p>
          </Show>
        </div>
        <div class="form-actions">
          <button type="submit" class="button" disabled={submission.pending()} data-testid="handover-submit">
            {submission.pending() ? t('form.sending') : t('handover.submit')}
          </button>
        </div>
      </Show>
    </form>
  );
}
