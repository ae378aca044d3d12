// The JSON API of docs/api/openapi.yaml as the screens use it. The CSRF token lives in memory
// only (a reload asks GET /api/v1/sessions/current for it again).
import { lang } from "./i18n";

export interface Problem { code: string; detail: string; status: number; }
export interface Person { contract_id: string; user_id: string | null; role: "admin" | "user"; }
export interface Session {
  state: "otp_required" | "active";
  csrf_token: string;
  person: Person;
  previous_login_at: string | null;
  certificate?: {
    serial: string; not_after: string;
    renewal_open?: boolean; renewal_opens_at?: string; days_left?: number;  // R22 (certificate sessions)
  };
  notices?: { code: string; message: string; days_left?: number }[];
  contract?: { name: string; name_kana: string; transactions_stopped: boolean };  // active sessions only
}
export interface Bank {
  name: string; code: string;
  pin: { min_length: number; max_length: number; require_letters_and_digits: boolean };
  idle_timeout_seconds: number;
  admin_otp_every_login: boolean; user_otp_every_login: boolean;
  https_port: number; mtls_port: number;
  wording?: Record<string, string>;  // the bank's Japanese wording by text id (its [wording])
}
export interface Certificate {
  issue_number: string | null; status: string; marked?: boolean;
  registered_at: string | null; serial: string | null; not_after: string | null;
  acquisition_deadline: string | null;
}
export interface States { accident: boolean; suspended: boolean; otp_locked: boolean; locked: boolean; }
export interface Permission { allowed?: boolean; per_transaction?: number; per_day?: number; }
export interface User {
  user_id: string; name_kana: string; name_kanji: string; authority: "approver" | "general";
  states: States; permissions: Record<string, Permission>; permissions_summary?: string;
  certificate: Certificate; failure_count?: number; last_login_at?: string | null;
  token?: string; contact_email?: string | null;
}
export interface UsageRecord {
  id: number; at: string; contract_id: string; actor: string; target_user_id: string | null;
  kind: string; source_address: string | null; result: string; detail: string;
}

export class ApiError extends Error {
  constructor(public problem: Problem) { super(problem.detail); }
}

let csrf = "";
export function setCsrf(token: string) { csrf = token; }

// Called on every answer: the idle timer restarts; session_expired ends the screens' session.
type Listener = (p?: Problem) => void;
let onActivity: Listener = () => {};
let onExpired: Listener = () => {};
export function onApiEvents(activity: Listener, expired: Listener) {
  onActivity = activity; onExpired = expired;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { "Accept-Language": lang() === "en" ? "en" : "ja" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let res: Response;
  try {
    res = await fetch(path, {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ code: "network", status: 0, detail: lang() === "en"
      ? "Could not reach the server." : "サーバーに接続できませんでした。" });
  }
  if (res.status === 204) { onActivity(); return undefined as T; }
  const text = await res.text();
  let data: unknown = undefined;
  try { data = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  if (!res.ok) {
    const p = (data as Problem) ?? { code: "internal_error", status: res.status, detail: String(res.status) };
    if (p.code === "session_expired") onExpired(p);
    throw new ApiError(p);
  }
  onActivity();
  return data as T;
}

export const getBank = () => api<Bank>("GET", "/api/v1/bank");
export const currentSession = () => api<Session>("GET", "/api/v1/sessions/current");
export const logoff = () => api<void>("DELETE", "/api/v1/sessions/current");
