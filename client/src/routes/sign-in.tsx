import { useNavigate } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { z } from 'zod';
import { SignInInput } from '../../../shared/schemas/auth';
import { errorCode, fieldErrorsOf, type FieldErrors } from '../api/client';
import { TextField } from '../components/text-field';
import { t } from '../i18n';
import { demoLogins, selectOrganisation, signIn, takeReturn } from '../session';

export function SignInPage() {
  const navigate = useNavigate();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [fieldErrors, setFieldErrors] = createSignal<FieldErrors>({});
  let errorBox: HTMLDivElement | undefined;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    setFieldErrors({});
    // The same schema as the server's input: instant field errors without a round trip.
    const parsed = SignInInput.safeParse({ email: email(), password: password() });
    if (!parsed.success) {
      setFieldErrors(z.flattenError(parsed.error).fieldErrors);
      setPending(false);
      return;
    }
    try {
      const user = await signIn(email(), password());
      const first = user.memberships[0];
      if (first) selectOrganisation(first.organisationId);
      // Back to the private page that sent here (a pass's QR link, a bookmark), else the space.
      navigate(takeReturn() ?? (first ? `/espace/${first.organisationId}` : '/'), { replace: true });
    } catch (e) {
      const code = errorCode(e);
      setFieldErrors(fieldErrorsOf(e));
      // Rate limiting and validation carry their own French message; a refusal gets ours.
      setError(code === 'UNAUTHORIZED' ? t('signIn.failed') : e instanceof Error ? e.message : String(e));
      queueMicrotask(() => errorBox?.focus());
    } finally {
      setPending(false);
    }
  };

  const fieldError = (name: string) => fieldErrors()[name]?.join(' ');

  return (
    <section class="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <Show when={error()}>
        <div class="alert error" role="alert" tabindex="-1" ref={(el) => (errorBox = el)} data-testid="sign-in-error">
          {error()}
        </div>
      </Show>
      <form onSubmit={onSubmit} novalidate>
        <TextField
          name="email"
          type="email"
          label={t('signIn.email')}
          autocomplete="username"
          required
          value={email()}
          onInput={setEmail}
          error={fieldError('email')}
        />
        <TextField
          name="password"
          type="password"
          label={t('signIn.password')}
          autocomplete="current-password"
          required
          value={password()}
          onInput={setPassword}
          error={fieldError('password')}
        />
        <button type="submit" class="button" disabled={pending()}>
          {pending() ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      <Show when={demoLogins().length > 0}>
      <aside class="demo-logins">
        <p>{t('signIn.demo')}</p>
        <ul>
          <For each={demoLogins()}>
            {(login) => (
              <li>
                <strong>{login.role}</strong> — <code>{login.email}</code>
              </li>
            )}
          </For>
        </ul>
      </aside>
      </Show>
    </section>
  );
}
