/** Component tests for the login gate, the forced password change and the user menu (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import { UserMenu } from '../components/user-menu.tsx';
import { type AuthApi, createAuthStore } from '../stores/auth.ts';
import type { EndReason } from '../session.ts';
import { user } from '../../test/fixtures.ts';
import { AuthGate } from './login-view.tsx';

/** A fake session API: `logins` answer successive login attempts (a user, or an error to throw). */
const fakeApi = (o: { start?: ReturnType<typeof user> | null; logins?: (ReturnType<typeof user> | Error)[] } = {}) => {
  const sent: string[] = [];
  let ended: ((why: EndReason) => void) | null = null;
  const api: AuthApi = {
    startSession: async () => o.start ?? null,
    login: async (email, password) => {
      sent.push(`login ${email} ${password}`);
      const next = o.logins?.shift() ?? new Error('no more logins in this test');
      if (next instanceof Error) throw next;
      return next;
    },
    logout: async () => {
      sent.push('logout');
    },
    logoutAll: async () => {
      sent.push('logout-all');
    },
    changePassword: async (current, next) => {
      sent.push(`password ${current} ${next}`);
      return user({ mustChangePassword: false });
    },
    onSessionEnded: (f) => {
      ended = f;
      return () => {};
    },
  };
  return { api, sent, end: (why: EndReason) => ended?.(why) };
};

const mount = async (api: AuthApi) => {
  const auth = createAuthStore(api);
  const view = render(() => (
    <AuthGate auth={auth}>
      <div data-testid="shell">
        <UserMenu auth={auth} />
      </div>
    </AuthGate>
  ));
  await auth.start();
  return view;
};

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });
const has = (root: HTMLElement, id: string) => root.querySelector(`[data-testid="${id}"]`) !== null;
const text = (root: HTMLElement, id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;

const logIn = (v: Awaited<ReturnType<typeof mount>>, email: string, password: string) => {
  type(v.getByTestId('login-email'), email);
  type(v.getByTestId('login-password'), password);
  fireEvent.submit(v.getByTestId('login-form'));
};

describe('login', () => {
  test('no session: the login page; wrong credentials and too many tries are said in words; a good login shows the app', async () => {
    const { api, sent } = fakeApi({
      logins: [
        new ApiError(401, 'unauthorized', 'invalid credentials'),
        new ApiError(429, 'rate_limited', 'too many login attempts', 42),
        user({ email: 'ada@example.com' }),
      ],
    });
    const v = await mount(api);
    await waitFor(() => expect(has(v.container, 'login-form')).toBe(true));
    expect(has(v.container, 'shell')).toBe(false);
    logIn(v, ' ada@example.com ', 'wrong');
    await waitFor(() => expect(text(v.container, 'login-error')).toBe('That email and password do not match an account.'));
    logIn(v, 'ada@example.com', 'wrong again');
    await waitFor(() => expect(text(v.container, 'login-error')).toBe('Too many attempts; try again in 42 s.'));
    logIn(v, 'ada@example.com', 'right one');
    await waitFor(() => expect(has(v.container, 'shell')).toBe(true));
    expect(has(v.container, 'login-form')).toBe(false);
    expect(sent).toEqual(['login ada@example.com wrong', 'login ada@example.com wrong again', 'login ada@example.com right one']);
  });

  test('a session found at start-up goes straight to the app; when it ends, the login page says so', async () => {
    const { api, end } = fakeApi({ start: user() });
    const v = await mount(api);
    await waitFor(() => expect(has(v.container, 'shell')).toBe(true));
    end('expired');
    await waitFor(() => expect(has(v.container, 'login-form')).toBe(true));
    expect(text(v.container, 'login-notice')).toBe('Your session has ended. Log in again.');
  });

  test('a one-time password: only the new-password form, checked before sending, sent with the password just used', async () => {
    const { api, sent } = fakeApi({ logins: [user({ mustChangePassword: true })] });
    const v = await mount(api);
    logIn(v, 'ada@example.com', 'generated-1');
    await waitFor(() => expect(has(v.container, 'password-form')).toBe(true));
    expect(has(v.container, 'shell')).toBe(false);
    expect(has(v.container, 'password-current')).toBe(false); // known: it was just typed
    const submit = (next: string, again: string) => {
      type(v.getByTestId('password-new'), next);
      type(v.getByTestId('password-again'), again);
      fireEvent.submit(v.getByTestId('password-form'));
    };
    submit('short', 'short');
    await waitFor(() => expect(text(v.container, 'password-error')).toBe('The new password needs at least 10 characters.'));
    submit('long enough 1', 'long enough 2');
    await waitFor(() => expect(text(v.container, 'password-error')).toBe('The two new passwords differ.'));
    expect(sent).toEqual(['login ada@example.com generated-1']);
    submit('long enough 1', 'long enough 1');
    await waitFor(() => expect(has(v.container, 'shell')).toBe(true));
    expect(sent.at(-1)).toBe('password generated-1 long enough 1');
  });

  test('after a reload in that state, the form asks for the current password too', async () => {
    const { api, sent } = fakeApi({ start: user({ mustChangePassword: true }) });
    const v = await mount(api);
    await waitFor(() => expect(has(v.container, 'password-current')).toBe(true));
    type(v.getByTestId('password-current'), 'generated-1');
    type(v.getByTestId('password-new'), 'long enough 1');
    type(v.getByTestId('password-again'), 'long enough 1');
    fireEvent.submit(v.getByTestId('password-form'));
    await waitFor(() => expect(has(v.container, 'shell')).toBe(true));
    expect(sent).toEqual(['password generated-1 long enough 1']);
  });
});

describe('user menu', () => {
  test("shows the user's email; Users only for admins; Log out returns to the login page", async () => {
    const member = await mount(fakeApi({ start: user({ email: 'mo@example.com', role: 'member' }) }).api);
    await waitFor(() => expect(text(member.container, 'user-menu')).toBe('mo@example.com'));
    fireEvent.click(member.getByTestId('user-menu'));
    expect(has(member.container, 'menu-keys')).toBe(true);
    expect(has(member.container, 'menu-users')).toBe(false);
    member.unmount();

    const { api, sent } = fakeApi({ start: user({ email: 'ada@example.com', role: 'admin' }) });
    const admin = await mount(api);
    await waitFor(() => expect(has(admin.container, 'user-menu')).toBe(true));
    fireEvent.click(admin.getByTestId('user-menu'));
    expect(admin.getByTestId('menu-users').getAttribute('href')).toBe('#/users');
    expect(admin.getByTestId('menu-keys').getAttribute('href')).toBe('#/keys');
    fireEvent.click(admin.getByTestId('logout-all'));
    await waitFor(() => expect(has(admin.container, 'login-form')).toBe(true));
    expect(sent).toEqual(['logout-all']);
    expect(has(admin.container, 'login-notice')).toBe(false); // asked for: nothing to explain
  });
});
