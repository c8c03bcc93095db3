/** A JSON call through an app's `handle`, as route tests make them: the status, headers and parsed body of the answer. */
export interface Answer {
  status: number;
  headers: Headers;
  /** Answers of every shape: the test reads what it expects. */
  json: any;
}

/** `call(method, path, body?, headers?)` with `defaults()` as the headers when none are given. */
export const apiCaller =
  (app: { handle(r: Request): Promise<Response> }, defaults: () => Record<string, string>) =>
  async (method: string, path: string, body?: unknown, headers: Record<string, string> = defaults()): Promise<Answer> => {
    const r = await app.handle(
      new Request(`http://localhost${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await r.text();
    return { status: r.status, headers: r.headers, json: text ? JSON.parse(text) : null };
  };
