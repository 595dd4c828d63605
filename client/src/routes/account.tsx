import { createSignal, Show } from 'solid-js';
import { ChangePasswordInput } from '../../../shared/schemas/auth';
import { changePassword } from '../api/auth';
import { FormAlert } from '../components/form-alert';
import { TextField } from '../components/text-field';
import { createSubmission } from '../forms';
import { t } from '../i18n';
import { me } from '../session';

/** `/compte`: the signed-in person's account; changing the password signs out every other browser. */
export function AccountPage() {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [done, setDone] = createSignal('');
  const submission = createSubmission();

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setDone('');
    const parsed = ChangePasswordInput.safeParse({ currentPassword: current(), newPassword: next() });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    if (await submission.run(() => changePassword(parsed.data))) {
      setCurrent('');
      setNext('');
      setDone(t('account.passwordChanged'));
    }
  };

  return (
    <section class="card narrow" aria-labelledby="account-title">
      <h1 id="account-title">{t('account.title')}</h1>
      <Show when={me()}>{(user) => <p>{t('account.signedInAs', { name: user().name, email: user().email })}</p>}</Show>
      <h2>{t('account.passwordTitle')}</h2>
      <p class="muted">{t('account.passwordIntro')}</p>
      <FormAlert message={submission.error()} />
      <form onSubmit={onSubmit} novalidate data-testid="password-form">
        <TextField
          name="currentPassword"
          type="password"
          label={t('account.currentPassword')}
          autocomplete="current-password"
          required
          value={current()}
          onInput={setCurrent}
          error={submission.fieldError('currentPassword')}
        />
        <TextField
          name="newPassword"
          type="password"
          label={t('account.newPassword')}
          hint={t('account.newPasswordHint')}
          autocomplete="new-password"
          required
          value={next()}
          onInput={setNext}
          error={submission.fieldError('newPassword')}
        />
        <button type="submit" class="button" disabled={submission.pending()}>
          {submission.pending() ? t('form.sending') : t('account.changePassword')}
        </button>
      </form>
      <p role="status" class="success" data-testid="password-done">
        {done()}
      </p>
    </section>
  );
}
