// Japanese screens with an English switch. Wording follows the banks' manuals (seeds); the
// bank's own name comes from its configuration (GET /api/v1/bank).
type Dict = Record<string, string>;

const ja: Dict = {
  app: "法人インターネットバンキング",
  adminLogon: "管理者ログオン", userLogon: "利用者ログオン",
  idPinMethod: "ID・暗証番号方式", certMethod: "電子証明書方式",
  certMethodAdminLink: "電子証明書方式契約法人ログオン", certMethodUserLink: "電子証明書方式 利用者ログオン",
  certNote: "証明書の選択画面が表示されますので、当行発行の電子証明書を選択し、「OK」ボタンをクリックしてください。",
  contractId: "契約法人ID", userId: "利用者ID", contractPin: "契約法人暗証番号", userPin: "利用者暗証番号",
  logon: "ログオン", next: "次へ", otp: "ワンタイムパスワード",
  otpNote: "トークンに表示された6桁の数字を入力してください。同じパスワードは連続して使用できません。",
  logoff: "ログオフ", top: "トップ", softKeyboard: "ソフトウェアキーボード",
  softKeyboardUse: "ソフトウェアキーボードを使用する",
  skNote: "暗証番号を入力する際には、セキュリティ対策としてソフトウェアキーボードをご利用ください。",
  skClose: "閉じる", skBackspace: "1文字削除", skClear: "クリア", skShift: "英大文字",
  acquire: "電子証明書取得",
  acquireIntro: "電子証明書の取得には専用のアプリケーション（kakuin-cert）が必要です。インターネットバンキングをご利用になるパソコンで、次のコマンドを実行してください。利用者暗証番号とワンタイムパスワードの入力を求められます。",
  acquireNss: "取得した電子証明書はブラウザ（Chromium / Firefox）の証明書データベースに登録されます。",
  acquireAfter: "取得が完了しましたら、電子証明書方式でログオンしてください。",
  command: "コマンド",
  adminTop: "契約法人ステータス", bankName: "金融機関", lastLogin: "前回ログオン日時", none: "なし",
  notices: "お知らせ", noNotices: "現在お知らせはありません。",
  certExpiry: "電子証明書有効期間終了日時", certSerial: "電子証明書シリアル番号",
  menuUsers: "利用者情報登録/変更", menuHistory: "利用履歴照会", menuStop: "WEB-FB取引停止",
  userSelect: "利用者情報選択", userSelectNote: "対象の利用者を選択し、操作のボタンを押してください。",
  select: "選択", nameKana: "利用者名（半角カナ英数）", nameKanji: "利用者名（漢字）",
  authority: "利用権限", approver: "承認者", general: "一般者", certificate: "電子証明書",
  states: "状態", permissionsSummary: "権限",
  newUser: "新規登録", change: "変更", delete: "登録抹消", unlock: "IDロック解除", token: "トークン登録",
  noUsers: "利用者は登録されていません。", chooseUser: "利用者を選択してください。",
  userInfoNew: "利用者情報登録", userInfoChange: "利用者情報変更",
  changeNote: "変更する利用者の各種情報を入力して、「変更」ボタンを押してください。",
  newNote: "登録する利用者の各種情報を入力して、「登録」ボタンを押してください。",
  register: "登録", cancel: "キャンセル", back: "戻る", confirm: "確定",
  pinAgain: "確認のため再入力してください。",
  userConfirmPin: "利用者確認暗証番号", pinChangeNote: "変更する場合のみ入力してください。",
  otherInfo: "その他の利用者情報", accident: "事故状態", suspended: "利用中止状態",
  otpLocked: "ワンタイムパスワード表示ロック状態", locked: "IDロック状態",
  accidentNo: "事故登録なし", accidentYes: "事故登録あり", usable: "利用可能", stopped: "利用中止", lockedYes: "ロック中",
  certInfo: "利用者電子証明書情報", certInfoNote: "電子証明書の再発行、失効を行う場合は選択してください。",
  issueNumber: "電子証明書発行番号", certStatus: "電子証明書ステータス",
  registeredAt: "電子証明書発行データ登録日", deadline: "電子証明書取得期限",
  certHandling: "電子証明書の取扱い", keep: "現在の電子証明書を継続する",
  reissue: "現在の電子証明書を失効し、再発行する", revoke: "現在の電子証明書を失効する",
  issueCert: "電子証明書を発行する",
  permissions: "利用者権限および限度額の設定",
  permissionsNote: "この利用者IDで使用できるサービス毎の権限を選択して、限度額を入力してください。",
  selectAll: "全選択", clear: "クリア", permission: "権限設定", perTx: "1回限度額（円）", perDay: "1日限度額（円）",
  confirmPin: "契約法人確認暗証番号",
  confirmPinNote: "以上の内容を確認のうえ、契約法人確認暗証番号を入力してください。",
  confirmTitle: "利用者情報の確認", confirmNote: "以下の内容でよろしければ「確定」ボタンを押してください。",
  doneTitle: "完了", doneChange: "利用者情報の変更が完了しました。", doneNew: "利用者情報の登録が完了しました。",
  doneReissue: "電子証明書の発行登録が完了しました。利用者ご自身で電子証明書の取得を行ってください。",
  backToList: "利用者情報選択へ", deleteTitle: "利用者登録抹消",
  deleteNote: "この利用者の登録を抹消します。電子証明書は失効します。", deleted: "登録抹消が完了しました。",
  unlockTitle: "IDロック解除", unlockNote: "この利用者のIDロックを解除します。", unlocked: "IDロックを解除しました。",
  tokenTitle: "トークン登録", tokenNote: "ソフトウェアトークンを登録します。表示されるQRコードを利用者のトークンアプリで読み取ってください。QRコードは一度だけ表示されます。",
  tokenDone: "トークンを登録しました。", secret: "シークレット",
  tokenKind: "トークン種類", softwareToken: "ソフトウェアトークン", hardwareToken: "ハードウェアトークン",
  tokenNoteHw: "ハードウェアトークンを登録します。トークン裏面の製造番号と、シード表に記載されたシークレット（Base32）を入力してください。",
  tokenSerial: "トークン製造番号", tokenSecret: "シークレット（Base32）",
  tokenSecretHint: "シード表のとおり英字A～Zと数字2～7で入力してください（空白は無視されます）。",
  tokenDoneHw: "ハードウェアトークンを登録しました。",
  errTokenSerial: "半角英数字とハイフン1～32桁で入力してください",
  errTokenSecret: "Base32（英字A～Z・数字2～7）で16～103文字を入力してください",
  contractName: "契約法人名", webFb: "WEB-FB取引", txStopped: "停止中", txAvailable: "利用可能",
  historyTitle: "利用履歴照会", from: "期間（開始）", until: "期間（終了）", kind: "操作種別", search: "照会",
  at: "日時", actor: "操作者", target: "対象", result: "結果", source: "接続元", nextPage: "次へ", firstPage: "最初へ",
  noRecords: "該当する履歴はありません。", all: "すべて",
  stopTitle: "WEB-FB取引停止", stopNote: "契約法人のすべての取引を停止します。再開する場合は「取引再開」を押してください。",
  stopDo: "取引停止", stopResume: "取引再開", stopDone: "取引を停止しました。", resumeDone: "取引を再開しました。",
  userTop: "利用者トップ", welcome: "ようこそ",
  idleLoggedOff: "一定時間操作がなかったため、ログオフしました。再度ログオンしてください。",
  loggedOff: "ログオフしました。ブラウザをすべて閉じてください。",
  required: "必須", errContract: "契約法人IDは半角数字11桁で入力してください",
  errUserId: "利用者IDは半角英数字1～16桁で入力してください",
  errPin: "半角英数字{min}～{max}桁で入力してください", errPinMix: "英字と数字を組み合わせて入力してください",
  errPinAgain: "確認のため入力した暗証番号が一致しません", errOtp: "半角数字6桁で入力してください",
  errRequired: "入力してください", errLimit: "半角数字で入力してください",
  loading: "読み込み中…", language: "English", chooseLogon: "ログオン方法を選択してください。",
  yes: "あり", no: "なし", allowed: "可",
  renewalNotice: "電子証明書更新のお知らせ",
  renewalNoticeLead: "電子証明書の有効期限が近づいています。電子証明書を更新してください。",
  renewalNoticeNext: "電子証明書を更新する場合は、「次へ」ボタンを押してください。",
  renewalNoticeLater: "次回ログイン時に更新する場合は、「次回ログイン時に更新する」ボタンを押してください。",
  renewalNoticeWarn: "有効期限を過ぎるとログインできなくなりますので、ご注意ください。",
  renewalExpiry: "電子証明書の有効期限", renewalDaysLeft: "残り日数", days: "{n}日",
  renewalLater: "次回ログイン時に更新する",
  renewalRun: "電子証明書更新",
  renewalRunIntro: "電子証明書の更新には専用のアプリケーション（kakuin-cert）を使用します。このパソコンで次のコマンドを実行してください。現在の電子証明書でログオンし、暗証番号とワンタイムパスワードの入力を求められます。新しい電子証明書はブラウザの証明書データベースに登録されます。",
  renewalRunWarn: "更新が完了するまで、ブラウザの戻るボタンや更新ボタンを押したり、ブラウザを閉じたりしないでください。",
  renewalWaiting: "更新の完了を待っています…（この画面は自動的に切り替わります）",
  renewalDone: "電子証明書の更新が完了しました",
  renewalDoneNote: "自動的にログオフしました。開いているブラウザはすべて閉じてください。",
  renewalDoneNext: "次回ログオン時の証明書選択画面では古い電子証明書も表示されますが、新しい電子証明書を選択してログオンしてください。",
  renewalCancel: "更新を中止してトップへ",
  contactEmail: "連絡先メールアドレス", contactEmailHint: "電子証明書の有効期限のお知らせ等を送信します（任意）。",
  errEmail: "メールアドレスの形式で254文字以内で入力してください",
};

const en: Dict = {
  app: "Corporate Internet Banking",
  adminLogon: "Administrator logon", userLogon: "User logon",
  idPinMethod: "ID and PIN", certMethod: "Certificate",
  certMethodAdminLink: "Administrator logon with a certificate", certMethodUserLink: "User logon with a certificate",
  certNote: "Your browser asks for a certificate: choose the one our bank issued to you and press OK.",
  contractId: "Contract ID", userId: "User ID", contractPin: "Contract PIN", userPin: "User PIN",
  logon: "Log on", next: "Next", otp: "One-time password",
  otpNote: "Enter the 6 digits your token shows. A code cannot be used twice.",
  logoff: "Log off", top: "Top", softKeyboard: "Software keyboard",
  softKeyboardUse: "Use the software keyboard",
  skNote: "For your security, enter PINs with the software keyboard.",
  skClose: "Close", skBackspace: "Delete one", skClear: "Clear", skShift: "Capitals",
  acquire: "Get a certificate",
  acquireIntro: "Getting a certificate needs the acquisition app (kakuin-cert). On the computer you use for internet banking, run this command. It asks for your user PIN and one-time password.",
  acquireNss: "The certificate is installed into the browser's certificate database (Chromium / Firefox).",
  acquireAfter: "Then log on with the certificate.",
  command: "Command",
  adminTop: "Contract status", bankName: "Bank", lastLogin: "Previous logon", none: "none",
  notices: "Notices", noNotices: "There are no notices.",
  certExpiry: "Certificate valid until", certSerial: "Certificate serial number",
  menuUsers: "Users", menuHistory: "Usage history", menuStop: "Stop transactions",
  userSelect: "Select a user", userSelectNote: "Select a user, then press the button of the operation.",
  select: "Select", nameKana: "Name (kana)", nameKanji: "Name (kanji)",
  authority: "Authority", approver: "Approver", general: "General", certificate: "Certificate",
  states: "States", permissionsSummary: "Permissions",
  newUser: "New user", change: "Change", delete: "Delete", unlock: "Unlock ID", token: "Register token",
  noUsers: "No users are registered.", chooseUser: "Select a user.",
  userInfoNew: "Register a user", userInfoChange: "Change a user",
  changeNote: "Enter the user's details and press Change.", newNote: "Enter the user's details and press Register.",
  register: "Register", cancel: "Cancel", back: "Back", confirm: "Confirm",
  pinAgain: "Enter it again.", userConfirmPin: "User confirmation PIN", pinChangeNote: "Only to change it.",
  otherInfo: "Other information", accident: "Accident", suspended: "Suspended",
  otpLocked: "One-time password lock", locked: "ID lock",
  accidentNo: "none", accidentYes: "reported", usable: "usable", stopped: "suspended", lockedYes: "locked",
  certInfo: "User certificate", certInfoNote: "Choose here to reissue or revoke the certificate.",
  issueNumber: "Issue number", certStatus: "Certificate status",
  registeredAt: "Registered", deadline: "Acquisition deadline",
  certHandling: "Certificate", keep: "Keep the current certificate",
  reissue: "Revoke the current certificate and reissue", revoke: "Revoke the current certificate",
  issueCert: "Issue a certificate",
  permissions: "Permissions and limits", permissionsNote: "Choose the services this user may use and their limits.",
  selectAll: "Select all", clear: "Clear", permission: "Allowed", perTx: "Per transaction (yen)", perDay: "Per day (yen)",
  confirmPin: "Contract confirmation PIN", confirmPinNote: "Check the details, then enter the contract confirmation PIN.",
  confirmTitle: "Check", confirmNote: "Press Confirm to apply these details.",
  doneTitle: "Done", doneChange: "The user was changed.", doneNew: "The user was registered.",
  doneReissue: "The certificate issuance is registered. The user now gets the certificate.",
  backToList: "Back to the users", deleteTitle: "Delete a user",
  deleteNote: "This deletes the user. Their certificate is revoked.", deleted: "The user was deleted.",
  unlockTitle: "Unlock ID", unlockNote: "This unlocks the user's ID.", unlocked: "The ID was unlocked.",
  tokenTitle: "Register token", tokenNote: "Registers a software token. Scan the QR code with the user's token app; it is shown once.",
  tokenDone: "The token was registered.", secret: "Secret",
  tokenKind: "Token type", softwareToken: "Software token", hardwareToken: "Hardware token",
  tokenNoteHw: "Registers a hardware token. Enter the serial number on the token and the secret (base32) from its seed sheet.",
  tokenSerial: "Token serial number", tokenSecret: "Secret (base32)",
  tokenSecretHint: "Letters A-Z and digits 2-7 as on the seed sheet (spaces are ignored).",
  tokenDoneHw: "The hardware token was registered.",
  errTokenSerial: "Enter 1 to 32 letters, digits or hyphens",
  errTokenSecret: "Enter 16 to 103 base32 characters (A-Z, 2-7)",
  contractName: "Company", webFb: "Web-FB transactions", txStopped: "Stopped", txAvailable: "Available",
  historyTitle: "Usage history", from: "From", until: "Until", kind: "Kind", search: "Search",
  at: "Time", actor: "Actor", target: "Target", result: "Result", source: "Source", nextPage: "Next", firstPage: "First",
  noRecords: "No records.", all: "all",
  stopTitle: "Stop transactions", stopNote: "Stops every transaction of the contract. Press Resume to resume.",
  stopDo: "Stop", stopResume: "Resume", stopDone: "Transactions are stopped.", resumeDone: "Transactions are resumed.",
  userTop: "User top", welcome: "Welcome",
  idleLoggedOff: "You were logged off after a period without activity. Please log on again.",
  loggedOff: "You have logged off. Close every browser window.",
  required: "required", errContract: "Enter the contract ID as 11 digits",
  errUserId: "Enter 1 to 16 letters or digits",
  errPin: "Enter {min} to {max} letters or digits", errPinMix: "Mix letters and digits",
  errPinAgain: "The two PINs differ", errOtp: "Enter 6 digits",
  errRequired: "Required", errLimit: "Enter digits only",
  loading: "Loading…", language: "日本語", chooseLogon: "Choose how to log on.",
  yes: "yes", no: "no", allowed: "yes",
  renewalNotice: "Certificate renewal notice",
  renewalNoticeLead: "Your certificate expires soon. Please renew it.",
  renewalNoticeNext: "To renew it now, press Next.",
  renewalNoticeLater: "To renew it at your next logon, press Renew at next logon.",
  renewalNoticeWarn: "After it expires you can no longer log on with it.",
  renewalExpiry: "Certificate expires", renewalDaysLeft: "Days left", days: "{n} days",
  renewalLater: "Renew at next logon",
  renewalRun: "Certificate renewal",
  renewalRunIntro: "Renewal uses the certificate app (kakuin-cert). Run this command on this computer. It logs on with your current certificate and asks for your PIN and one-time password, then installs the new certificate into the browser's certificate database.",
  renewalRunWarn: "Until the renewal completes, do not press Back or Reload and do not close the browser.",
  renewalWaiting: "Waiting for the renewal to complete… (this screen changes by itself)",
  renewalDone: "The certificate was renewed",
  renewalDoneNote: "You were logged off. Close every browser window.",
  renewalDoneNext: "At the next logon the browser may also list the old certificate: choose the new one.",
  renewalCancel: "Stop and go to the top",
  contactEmail: "Contact e-mail address", contactEmailHint: "For notices such as certificate expiry (optional).",
  errEmail: "Enter an e-mail address of at most 254 characters",
};

let current: "ja" | "en" = (localStorage.getItem("kakuin.lang") === "en" ? "en" : "ja");
export const lang = () => current;
export function setLang(l: "ja" | "en") {
  current = l;
  localStorage.setItem("kakuin.lang", l);
  document.documentElement.lang = l;
}
document.documentElement.lang = current;

// The bank's own Japanese wording (configuration [wording], from GET /api/v1/bank).
let bankWording: Record<string, string> = {};
export function setBankWording(w: Record<string, string> | undefined) { bankWording = w ?? {}; }

export function t(key: string, vars?: Record<string, string | number>): string {
  let s = (current === "en" ? en[key] : bankWording[key] ?? ja[key]) ?? ja[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

// Times are the bank's: Japan Standard Time (UTC+9, no daylight saving), whatever the PC's zone.
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return t("none");
  const ms = new Date(iso).getTime();
  if (isNaN(ms)) return iso;
  const d = new Date(ms + 9 * 3600 * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  const [y, mo, da, h, mi, se] = [d.getUTCFullYear(), p(d.getUTCMonth() + 1), p(d.getUTCDate()), p(d.getUTCHours()), p(d.getUTCMinutes()), p(d.getUTCSeconds())];
  if (current === "en") return `${y}-${mo}-${da} ${h}:${mi}:${se} JST`;
  return `${y}年${mo}月${da}日 ${h}時${mi}分${se}秒`;
}

const statusJa: Dict = { none: "未発行", registered: "発行登録済（未取得）", valid: "有効", revoked: "失効",
  superseded: "失効（再発行済）", expired: "期限切れ", deadline_passed: "取得期限切れ" };
const statusEn: Dict = { none: "none", registered: "registered (not yet acquired)", valid: "valid", revoked: "revoked",
  superseded: "superseded", expired: "expired", deadline_passed: "deadline passed" };
export const certStatusLabel = (s: string) => (current === "en" ? statusEn : statusJa)[s] ?? s;

const servicesJa: Dict = { balance: "残高照会", statements: "入出金明細照会", history: "取引履歴照会",
  transfer_own: "資金移動（振替）", transfer_registered: "資金移動（振込・事前登録）",
  transfer_adhoc: "資金移動（振込・都度指定）", scheduled_inquiry: "資金移動予約照会",
  scheduled_cancel: "資金移動予約取消", bulk_transfer: "総合振込", payroll: "給与・賞与振込",
  direct_debit: "口座振替", file_register: "データ伝送（登録）", file_approve: "データ伝送（承認）",
  file_send: "データ伝送（送信）", tax_payment: "税金・各種料金の払込み" };
const servicesEn: Dict = { balance: "Balance", statements: "Statements", history: "Transaction history",
  transfer_own: "Transfer (own accounts)", transfer_registered: "Transfer (registered payees)",
  transfer_adhoc: "Transfer (ad hoc)", scheduled_inquiry: "Scheduled transfers", scheduled_cancel: "Cancel scheduled",
  bulk_transfer: "Bulk transfer", payroll: "Payroll", direct_debit: "Direct debit", file_register: "Files (register)",
  file_approve: "Files (approve)", file_send: "Files (send)", tax_payment: "Tax and fee payment" };
export const SERVICES = Object.keys(servicesJa);
export const LIMITED = new Set(["transfer_own", "transfer_registered", "transfer_adhoc", "bulk_transfer", "payroll", "direct_debit", "tax_payment"]);
export const serviceLabel = (s: string) => (current === "en" ? servicesEn : servicesJa)[s] ?? s;

const kindsJa: Dict = { "login.succeeded": "ログオン", "auth.failed": "認証失敗", logout: "ログオフ",
  "person.locked": "IDロック", "person.unlocked": "IDロック解除", "confirmation_pin.failed": "確認暗証番号誤り",
  "user.registered": "利用者登録", "user.changed": "利用者情報変更", "user.deleted": "利用者登録抹消",
  "otp_token.registered": "トークン登録", "contract.changed": "契約法人情報変更（取引停止等）",
  "enrollment.started": "電子証明書取得開始", "certificate.registered": "電子証明書発行登録",
  "certificate.issued": "電子証明書取得", "certificate.reissued": "電子証明書再発行", "certificate.revoked": "電子証明書失効",
  "certificate.renewed": "電子証明書更新", "certificate.expired": "電子証明書期限切れ",
  "certificate.first_used": "電子証明書初回利用", "contract.registered": "契約法人登録" };
export const kindLabel = (k: string) => (current === "en" ? k : kindsJa[k] ?? k);
