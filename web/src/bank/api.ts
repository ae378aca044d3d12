// The back office's JSON API (docs/api/bank-api.md) as the /bank screens use it. Same-origin
// on the bank listener; the CSRF token lives in memory only.
import { lang } from "../i18n";

export interface BankProblem {
  code: string; detail: string; status: number; title?: string;
  message_ja?: string; message_en?: string; field?: string;
}
export interface Staff { staff_id: string; name: string; role: "operator" | "approver"; }
export interface StaffSession { staff: Staff; phase: "otp_required" | "active"; csrf_token: string; }
export interface Contract {
  contract_id: string; name: string; name_kana: string; login_method: string;
  suspended: boolean; transactions_stopped: boolean; created_at: string;
  upper_limits?: Record<string, number>;
}
export interface SlotView {
  issue_number?: string | null; status?: string; serial?: string | null; not_after?: string | null;
  registered_at?: string | null; acquisition_deadline?: string | null;
}
export interface ChangeRequest {
  id: string | number; kind: string; contract_id: string; request_number?: string | null;
  payload?: Record<string, unknown> | null; state: "pending" | "applied" | "rejected" | "failed";
  requested_by: string; requested_at: string; decided_by?: string | null; decided_at?: string | null;
  reason?: string | null;
}
export interface ContractView {
  contract: Contract;
  admin: { locked: boolean; failure_count: number; contact_email?: string | null; last_login_at?: string | null;
    certificate?: SlotView | null };
  users: number;
  pending_requests: ChangeRequest[];
}

export class BankError extends Error {
  constructor(public problem: BankProblem) { super(problem.detail); }
  // The server's message in the screen's language.
  get text(): string {
    const p = this.problem;
    return (lang() === "en" ? p.message_en : p.message_ja) ?? p.detail ?? p.code;
  }
}
export const errorText = (e: unknown) => (e instanceof BankError ? e.text : String(e));

let csrf = "";
export function setBankCsrf(t: string) { csrf = t; }
let onExpired: () => void = () => {};
export function onBankExpired(f: () => void) { onExpired = f; }

export async function bankApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { "Accept-Language": lang() === "en" ? "en" : "ja" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let res: Response;
  try {
    res = await fetch("/bank/api/v1" + path, {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new BankError({ code: "network", status: 0, detail: lang() === "en"
      ? "Could not reach the server." : "サーバーに接続できませんでした。" });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  try { data = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  if (!res.ok) {
    const p = (data as BankProblem) ?? { code: "internal_error", status: res.status, detail: String(res.status) };
    if (p.code === "session_expired" && !(method === "GET" && path === "/sessions/current")) onExpired();
    throw new BankError(p);
  }
  return data as T;
}
