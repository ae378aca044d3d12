// Records the store tests insert: a contract, a person and a certificate with fixed, valid
// fields, all dated from kT0.
#pragma once

#include <string>

#include "store/store.h"

namespace kakuin::store::testing {

inline const TimePoint kT0 = from_unix(1'790'000'000);

inline Contract make_contract(const std::string& id) {
    Contract c;
    c.contract_id = id;
    c.name_kanji = "株式会社かくいん";
    c.name_kana = "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝ";
    c.login_method = LoginMethod::certificate;
    c.created_at = kT0;
    return c;
}

// The administrator when `user` is empty (authority approver), else a general user.
inline Person make_person(const std::string& contract, const std::string& user) {
    Person p;
    p.key = PersonKey{contract, user};
    p.name_kana = "ﾘﾖｳｼｬ";
    p.name_kanji = "利用者";
    p.authority = user.empty() ? Authority::approver : Authority::general;
    p.login_pin_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
    p.created_at = kT0;
    return p;
}

inline CertificateRecord make_cert(const PersonKey& who, const std::string& serial) {
    CertificateRecord c;
    c.serial_hex = serial;
    c.person = who;
    c.issue_number = 1;
    c.not_before = kT0;
    c.not_after = kT0 + Days(365);
    c.der = {0x30, 0x03, 0x02, 0x01, 0x00, 0xff, 0x5c, 0x27};  // NUL, high bytes, \ and '
    c.sha256_fingerprint_hex = "fp-" + serial;
    return c;
}

}  // namespace kakuin::store::testing
