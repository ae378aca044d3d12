// Helpers shared by the administrator's and the bank's use cases (user_admin_service,
// bank_service): field checks of persons and contracts, applying a certificate-slot transition
// inside a caller's transaction, and the certificate summary screens show.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/certificate_slot.h"
#include "core/result.h"
#include "core/usage_history.h"
#include "store/store.h"

namespace kakuin::service {

struct CertificateSummary;  // user_admin_service.h

// Half-width kana (U+FF61-U+FF9F), ASCII letters, digits, space and ()-./, 1..60 characters.
// Errors: invalid_request naming `field_ja` (e.g. "利用者名（カナ）").
Status check_name_kana(std::string_view s, std::string_view field_ja);
// Valid UTF-8 without control characters, at most 60 characters; empty only if !required.
Status check_name_text(std::string_view s, std::string_view field_ja, bool required);
// A plausible e-mail address: local@domain, printable ASCII, at most 254 bytes.
Status check_email(std::string_view s);

// Applies `t` to `person`'s slot inside `tx`: marks the ordered revocation (and ends the
// person's sessions), saves the slot and appends `record`.
Status apply_slot_transition(store::Transaction& tx, const PersonKey& person, const Transition& t,
                             TimePoint now, const UsageRecord& record);
// "issue 002, revoked serial 0A.. (cessationOfOperation)" — for history details.
std::string transition_detail(const Transition& t);

// The summary of a slot at `now` (R12, R19). `current` is the slot's current certificate when
// the store has it (used to tell a superseded certificate from a revoked one).
CertificateSummary certificate_summary(const CertificateSlot& slot, TimePoint now);

// A usage record done by `actor` to `target` with a result other than "ok".
UsageRecord failure_usage(const Actor& actor, const PersonKey& target, std::string_view kind,
                          TimePoint at, std::string_view result, std::string detail);

}  // namespace kakuin::service
