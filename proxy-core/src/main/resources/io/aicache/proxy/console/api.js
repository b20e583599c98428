// The admin API, with the admin token the user typed in. The token lives in this tab's session
// storage only, and travels only in the Authorization header of requests to this origin.

const TOKEN_KEY = 'aicache.adminToken';

/** The admin API said no (or could not be reached): what it said, for the page to show. */
export class Refusal extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  get unauthorized() {
    return this.status === 401;
  }

  toString() {
    return this.status ? `${this.status} ${this.code}: ${this.message}` : this.message;
  }
}

export const token = () => sessionStorage.getItem(TOKEN_KEY);
export const keepToken = (value) => sessionStorage.setItem(TOKEN_KEY, value);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

async function send(method, path, body) {
  const value = token();
  if (!value) {
    throw new Refusal(401, 'UNAUTHORIZED', 'no admin token: sign in first');
  }
  const headers = { Authorization: `Bearer ${value}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
  } catch (failure) {
    throw new Refusal(0, 'UNREACHABLE', `aicache did not answer: ${failure.message}`);
  }
  if (!response.ok) {
    throw await refusalOf(response);
  }
  return response;
}

async function refusalOf(response) {
  try {
    const error = (await response.json()).errors[0];
    return new Refusal(response.status, error.code, error.message);
  } catch {
    return new Refusal(response.status, response.statusText || 'ERROR', `aicache answered ${response.status}`);
  }
}

/** A JSON answer of the admin API. */
export async function admin(method, path, body) {
  return (await send(method, path, body)).json();
}

export const get = (path) => admin('GET', path);

/** An answer streamed as JSON lines: calls onLine with each line as it arrives. */
export async function adminLines(method, path, body, onLine) {
  const response = await send(method, path, body);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    pending += value;
    let end;
    while ((end = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, end).trim();
      pending = pending.slice(end + 1);
      if (line) {
        onLine(JSON.parse(line));
      }
    }
  }
  if (pending.trim()) {
    onLine(JSON.parse(pending));
  }
}
