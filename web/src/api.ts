// The API client: same-origin fetches with the session cookie (HttpOnly, set by the server at
// sign-in) and the CSRF token on every request that changes something. The sign-in answer
// (username, roles, CSRF token, a patient's own pseudonym) is kept in sessionStorage for the
// tab's life; the cookie is what the server trusts.
export interface Session {
  username: string;
  roles: string[];
  csrf_token: string;
  expires_at: string;
  patient?: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public requestId: string,
  ) {
    super(message);
  }
}

const kSessionKey = "orp.session";

export function currentSession(): Session | null {
  const text = sessionStorage.getItem(kSessionKey);
  return text ? (JSON.parse(text) as Session) : null;
}

export function hasRole(session: Session | null, role: string): boolean {
  return !!session && session.roles.some((r) => r === role || r.startsWith(role + "@"));
}

let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const session = currentSession();
  if (method !== "GET" && session) headers["X-CSRF-Token"] = session.csrf_token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const e = json?.error ?? {};
    if (response.status === 401 && path !== "/api/v1/sessions") {
      sessionStorage.removeItem(kSessionKey);
      onUnauthenticated();
    }
    throw new ApiError(response.status, e.code ?? "HTTP_" + response.status, e.message ?? response.statusText, e.request_id ?? "");
  }
  return json as T;
}

export async function signIn(username: string, password: string, totp: string): Promise<Session> {
  const session = await api<Session>("POST", "/api/v1/sessions", { username, password, totp: totp || undefined });
  sessionStorage.setItem(kSessionKey, JSON.stringify(session));
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await api<void>("DELETE", "/api/v1/sessions");
  } finally {
    sessionStorage.removeItem(kSessionKey);
  }
}

// A message for the person: the server's message, and the request id to quote.
export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    return error.requestId ? `${error.message} (request ${error.requestId})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

// A request with a body of any type and extra headers (a file upload, an Idempotency-Key); the
// same session, CSRF and error handling as api(). (webentry, #9)
export async function apiSend<T>(method: string, path: string, body: BodyInit, contentType: string, extra: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", "Content-Type": contentType, ...extra };
  const session = currentSession();
  if (session) headers["X-CSRF-Token"] = session.csrf_token;
  const response = await fetch(path, { method, headers, credentials: "same-origin", body });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const e = json?.error ?? {};
    if (response.status === 401) {
      sessionStorage.removeItem(kSessionKey);
      onUnauthenticated();
    }
    throw new ApiError(response.status, e.code ?? "HTTP_" + response.status, e.message ?? response.statusText, e.request_id ?? "");
  }
  return json as T;
}

// A fresh Idempotency-Key: one per thing the person means to submit once.
// (getRandomValues, not randomUUID: the latter needs a secure context, and a theatre's intranet
// may serve plain HTTP.)
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
