/** The pages shown before the app (the login form, the forced password change) and the gate that picks between them and the app. */
import { createSignal, type JSX, Match, Show, Switch } from 'solid-js';
import { Loading } from '../components/bits.tsx';
import { MIN_PASSWORD, type AuthStore } from '../stores/auth.ts';

const Brand = () => (
  <div class="brand auth-brand">
    <span class="logo">▶</span> MPR
  </div>
);

/** A required password input with its label; `min` asks for MIN_PASSWORD characters (a new password). */
const PasswordField = (p: {
  label: string;
  name?: string;
  autocomplete: string;
  testid: string;
  min?: boolean;
  value: string;
  onInput: (v: string) => void;
}) => (
  <label class="auth-field">
    {p.label}
    <input
      type="password"
      name={p.name}
      autocomplete={p.autocomplete}
      required
      minLength={p.min ? MIN_PASSWORD : undefined}
      data-testid={p.testid}
      value={p.value}
      onInput={(e) => p.onInput(e.currentTarget.value)}
    />
  </label>
);

const FormError = (p: { testid: string; message: string | null }) => (
  <Show when={p.message}>
    <div class="error-note" role="alert" data-testid={p.testid}>
      {p.message}
    </div>
  </Show>
);

export const LoginView = (p: { auth: AuthStore }) => {
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void p.auth.login(email(), password());
  };
  return (
    <div class="auth-page">
      <form class="card auth-card" data-testid="login-form" onSubmit={submit}>
        <Brand />
        <h1>Log in</h1>
        <Show when={p.auth.notice()}>
          <p class="muted" data-testid="login-notice">
            {p.auth.notice()}
          </p>
        </Show>
        <label class="auth-field">
          Email
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            data-testid="login-email"
            value={email()}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <PasswordField label="Password" name="password" autocomplete="current-password" testid="login-password" value={password()} onInput={setPassword} />
        <FormError testid="login-error" message={p.auth.error()} />
        <button type="submit" class="btn primary" data-testid="login-submit" disabled={p.auth.busy()}>
          {p.auth.busy() ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </div>
  );
};

/** After a login with a generated password every other call answers 403: this form is all there is until it is replaced. */
export const PasswordView = (p: { auth: AuthStore }) => {
  // Read once: a tab that has just logged in knows the current password; after a reload it asks for it.
  const needsCurrent = p.auth.needsCurrent();
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [again, setAgain] = createSignal('');
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void p.auth.changePassword(next(), again(), needsCurrent ? current() : undefined);
  };
  return (
    <div class="auth-page">
      <form class="card auth-card" data-testid="password-form" onSubmit={submit}>
        <Brand />
        <h1>Choose a new password</h1>
        <p class="muted">
          {p.auth.user()?.email} logged in with a one-time password. Choose your own, at least {MIN_PASSWORD} characters, to go on.
        </p>
        <Show when={needsCurrent}>
          <PasswordField label="Current password" autocomplete="current-password" testid="password-current" value={current()} onInput={setCurrent} />
        </Show>
        <PasswordField label="New password" autocomplete="new-password" testid="password-new" min value={next()} onInput={setNext} />
        <PasswordField label="New password again" autocomplete="new-password" testid="password-again" min value={again()} onInput={setAgain} />
        <FormError testid="password-error" message={p.auth.error()} />
        <div class="auth-actions">
          <button type="submit" class="btn primary" data-testid="password-submit" disabled={p.auth.busy()}>
            {p.auth.busy() ? 'Saving…' : 'Set password'}
          </button>
          <button type="button" class="btn ghost" data-testid="logout" onClick={() => void p.auth.logout()}>
            Log out
          </button>
        </div>
      </form>
    </div>
  );
};

/** What shows for each phase of the session; `children` (the app) is made only when someone is logged in. */
export const AuthGate = (p: { auth: AuthStore; children: JSX.Element }) => (
  <Switch>
    <Match when={p.auth.view() === 'starting'}>
      <Loading />
    </Match>
    <Match when={p.auth.view() === 'login'}>
      <LoginView auth={p.auth} />
    </Match>
    <Match when={p.auth.view() === 'password'}>
      <PasswordView auth={p.auth} />
    </Match>
    <Match when={p.auth.view() === 'app'}>{p.children}</Match>
  </Switch>
);
