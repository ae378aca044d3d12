// What every use case is built from. One per process; the references outlive the services.
#pragma once

#include "auth/pin_hash.h"
#include "core/clock.h"
#include "core/policy.h"
#include "core/random.h"
#include "pki/ca.h"
#include "store/store.h"

namespace kakuin::service {

struct ServiceContext {
    store::Store& store;
    const pki::IssuingCa& ca;
    const Clock& clock;
    Random& random;           // thread-safe (pki::OsRandom)
    const BankPolicy& policy;
    auth::Argon2Params pin_hash;  // cost of new PIN hashes (configuration [pin])
};

}  // namespace kakuin::service
