#!/usr/bin/env python3
"""Seeds a stopped kakuin's SQLite store for bench/run, in one transaction each.

  seed.py DB CONTRACT_ID TEMPLATE_USER USERS HISTORY_ROWS CERTS SERIALS_OUT

- USERS-1 more users (bench0001..) cloned from TEMPLATE_USER's rows (persons, person_permissions,
  certificate_slots), so the contract has USERS users (administrator not counted);
- HISTORY_ROWS usage_history rows for the contract, one a second back from now;
- CERTS certificates rows (random serials, a dummy 1 KiB DER): the store the OCSP responder
  looks serials up in. Their serials (uppercase hex) go to SERIALS_OUT, one a line.
Columns are copied by name from the live schema, so schema additions need no change here.
"""
import os
import secrets
import sqlite3
import sys
import time


def clone_rows(db, table, contract, template, new_user):
    cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
    if not cols:
        return
    select = ", ".join("?" if c == "user_id" else c for c in cols)
    db.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {table} "
        "WHERE contract_id = ? AND user_id = ?",
        (new_user, contract, template),
    )


def main():
    db_path, contract, template = sys.argv[1:4]
    users, history, certs = (int(x) for x in sys.argv[4:7])
    serials_out = sys.argv[7]
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("BEGIN IMMEDIATE")
    have = db.execute(
        "SELECT count(*) FROM persons WHERE contract_id = ? AND user_id <> ''", (contract,)
    ).fetchone()[0]
    if not db.execute(
        "SELECT 1 FROM persons WHERE contract_id = ? AND user_id = ?", (contract, template)
    ).fetchone():
        sys.exit(f"seed: no template user {template} in {contract}")
    for i in range(max(0, users - have)):
        u = f"bench{i + 1:04d}"
        for table in ("persons", "person_permissions", "certificate_slots"):
            clone_rows(db, table, contract, template, u)
    now = int(time.time())
    db.executemany(
        "INSERT INTO usage_history (at, contract_id, actor, target_user_id, kind, source_address, "
        "result, detail) VALUES (?, ?, 'admin', ?, 'session.login', '127.0.0.1', 'ok', '')",
        ((now - history + i, contract, template) for i in range(history)),
    )
    der = b"\x30\x82\x03\xfc" + b"\x00" * 1020
    serials = []
    rows = []
    for _ in range(certs):
        s = secrets.token_hex(16).upper()
        if s[0] in "089ABCDEF":  # positive, no leading zero: canonical as stored
            s = "7" + s[1:]
        serials.append(s)
        rows.append((s, contract, template, 0, now - 86400, now + 365 * 86400, der,
                     secrets.token_hex(32)))
    db.executemany(
        "INSERT INTO certificates (serial_hex, contract_id, user_id, issue_number, not_before, "
        "not_after, der, sha256_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.execute("COMMIT")
    with open(serials_out, "w") as f:
        f.write("\n".join(serials) + "\n")
    total = db.execute(
        "SELECT count(*) FROM persons WHERE contract_id = ? AND user_id <> ''", (contract,)
    ).fetchone()[0]
    print(f"seed: users={total} history+={history} certificates+={certs}")


if __name__ == "__main__":
    main()
