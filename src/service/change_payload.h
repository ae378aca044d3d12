// The kinds of four-eyes change requests (docs/api/bank-api.md) and their payload, kept in the
// store as a small line-based text ("key=value" per line, "\\" and newline escaped) so that
// the store stays free of any JSON library.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/contract.h"
#include "core/permissions.h"
#include "core/result.h"

namespace kakuin::service {

enum class ChangeKind {
    contract_create,
    contract_change,
    admin_certificate_reissue,
    admin_unlock,
    admin_pin_reset,
    contract_suspend,
    contract_resume,
};
std::string_view change_kind_name(ChangeKind k);
bool change_kind_from_name(std::string_view s, ChangeKind& out);

// Fields of contract_create (name, name_kana required) and contract_change (any).
struct ChangePayload {
    std::optional<std::string> name;
    std::optional<std::string> name_kana;
    std::optional<LoginMethod> login_method;
    std::optional<ContractLimits> upper_limits;
    std::optional<std::string> admin_contact_email;
    bool empty() const {
        return !name && !name_kana && !login_method && !upper_limits && !admin_contact_email;
    }
    friend bool operator==(const ChangePayload&, const ChangePayload&) = default;
};

std::string encode_change_payload(const ChangePayload& p);
// internal_error when the text is not what encode_change_payload writes.
Result<ChangePayload> decode_change_payload(std::string_view text);

}  // namespace kakuin::service
