// libFuzzer target: OCSP request parsing and answering. The CA is created once, in a
// temporary directory that is removed as soon as it is loaded.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "core/clock.h"
#include "pki/ca.h"

namespace {

const kakuin::pki::IssuingCa& fuzz_ca() {
    static std::unique_ptr<kakuin::pki::IssuingCa> ca = [] {
        namespace fs = std::filesystem;
        std::string tmpl = (fs::temp_directory_path() / "kakuin-fuzz-ocsp-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
        kakuin::pki::CaSettings settings;
        settings.dir = tmpl + "/ca";
        settings.passphrase = "fuzz passphrase";
        settings.crl_url = "http://localhost/crl";
        settings.ocsp_url = "http://localhost/ocsp";
        kakuin::SimulatedClock clock(kakuin::from_unix(1795000000));
        kakuin::pki::OsRandom random;
        kakuin::pki::CaHierarchySpec spec;
        spec.organization = "Fuzz Bank";
        auto st = kakuin::pki::create_ca_hierarchy(settings, spec, clock, random);
        if (!st) {
            std::fprintf(stderr, "create_ca_hierarchy: %s\n", st.error().detail.c_str());
            std::abort();
        }
        auto loaded = kakuin::pki::IssuingCa::load(settings);
        std::error_code ec;
        fs::remove_all(tmpl, ec);
        if (!loaded) {
            std::fprintf(stderr, "IssuingCa::load: %s\n", loaded.error().detail.c_str());
            std::abort();
        }
        return std::move(loaded).value();
    }();
    return *ca;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& ca = fuzz_ca();
    auto lookup = [](const std::string&) -> kakuin::Result<kakuin::pki::SerialStatus> {
        return kakuin::pki::SerialStatus{kakuin::pki::SerialStatus::Kind::good};
    };
    auto response = ca.answer_ocsp({data, size}, lookup, kakuin::from_unix(1795000000));
    // Malformed input is still an answer (malformedRequest), never an Error.
    if (!response.ok()) {
        std::fprintf(stderr, "answer_ocsp: %s\n", response.error().detail.c_str());
        __builtin_trap();
    }
    if (response->empty()) __builtin_trap();
    return 0;
}
