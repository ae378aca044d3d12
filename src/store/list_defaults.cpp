// Default (one read per person) implementations of the batched list reads, for stores and
// decorators that do not provide a single query.
#include "store/store.h"

namespace kakuin::store {

Result<std::map<std::string, CertificateSlot>> Transaction::list_slots(const std::string& contract_id) {
    KAKUIN_TRY(std::vector<Person> persons, list_persons(contract_id));
    std::map<std::string, CertificateSlot> out;
    for (const Person& p : persons) {
        KAKUIN_TRY(CertificateSlot slot, load_slot_for_update(p.key));
        out.emplace(p.key.user_id, std::move(slot));
    }
    return out;
}

Result<std::map<std::string, Permissions>> Transaction::list_permissions(const std::string& contract_id) {
    KAKUIN_TRY(std::vector<Person> persons, list_persons(contract_id));
    std::map<std::string, Permissions> out;
    for (const Person& p : persons) {
        KAKUIN_TRY(Permissions perms, load_permissions(p.key));
        out.emplace(p.key.user_id, perms);
    }
    return out;
}

}  // namespace kakuin::store
