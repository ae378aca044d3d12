// A thin command-line driver of kakuin_pki for test_pki_interop.sh, so that independent
// tools (openssl, certtool, certutil) can check what the library produces.
//
//   pki_testtool init DIR [--org O] [--key-type p256|p384|rsa2048...]
//   pki_testtool issue DIR CSR_FILE OUT_PEM --cn CN --serial HEX --days N [--ou OU] [--org O]
//   pki_testtool crl DIR LIST_FILE OUT_DER [--number N]        LIST: "SERIAL REASON" lines
//   pki_testtool ocsp DIR REQ_DER OUT_DER STATUS_FILE            STATUS: "SERIAL good" or
//                                                                "SERIAL revoked REASON UNIX_TIME"
//   pki_testtool crl-bench DIR N [OUT_DER]                       N random entries; prints seconds, size
//   pki_testtool issue-bench DIR CSR_FILE N                      N issuances; prints per second
//   pki_testtool ocsp-bench DIR REQ_DER N                        N answers (all good); prints per second
//
// The CA passphrase comes from $KAKUIN_CA_PASSPHRASE. Errors print "error: CODE: detail" to
// stderr and exit 2. The system clock is read here (a test driver, like src/cli).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "pki/ca.h"

using namespace kakuin;
using namespace kakuin::pki;

namespace {

int fail(const Error& e) {
    std::cerr << "error: " << error_code_name(e.code) << ": " << e.detail << "\n";
    return 2;
}

int usage() {
    std::cerr << "usage: see the comment at the top of pki_testtool.cpp\n";
    return 64;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_all(const std::string& path, const void* data, std::size_t n) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
    if (!out) throw std::runtime_error("cannot write " + path);
}

// --name value options after the positional arguments.
std::map<std::string, std::string> options(int argc, char** argv, int first) {
    std::map<std::string, std::string> out;
    for (int i = first; i + 1 < argc; i += 2) out[argv[i]] = argv[i + 1];
    return out;
}

std::string opt(const std::map<std::string, std::string>& o, const std::string& name, const std::string& def) {
    auto it = o.find(name);
    return it == o.end() ? def : it->second;
}

CaSettings settings_for(const std::string& dir) {
    CaSettings s;
    s.dir = dir;
    const char* pass = std::getenv("KAKUIN_CA_PASSPHRASE");
    s.passphrase = pass ? pass : "";
    s.crl_url = "http://localhost:8080/crl";
    s.ocsp_url = "http://localhost:8080/ocsp";
    return s;
}

std::optional<RevocationReason> reason_from(const std::string& s) {
    for (RevocationReason r : {RevocationReason::unspecified, RevocationReason::key_compromise,
                               RevocationReason::affiliation_changed, RevocationReason::superseded,
                               RevocationReason::cessation_of_operation, RevocationReason::privilege_withdrawn})
        if (revocation_reason_name(r) == s || std::to_string(static_cast<int>(r)) == s) return r;
    return std::nullopt;
}

int cmd_init(int argc, char** argv) {
    if (argc < 3) return usage();
    auto o = options(argc, argv, 3);
    CaHierarchySpec spec;
    spec.organization = opt(o, "--org", "Kakuin Interop Bank");
    auto kt = key_type_from_name(opt(o, "--key-type", "p256"));
    if (!kt) return usage();
    spec.ca_key_type = *kt;
    SystemClock clock;
    OsRandom random;
    auto st = create_ca_hierarchy(settings_for(argv[2]), spec, clock, random);
    return st ? 0 : fail(st.error());
}

int cmd_issue(int argc, char** argv) {
    if (argc < 5) return usage();
    auto o = options(argc, argv, 5);
    auto ca = IssuingCa::load(settings_for(argv[2]));
    if (!ca) return fail(ca.error());
    const std::string csr_bytes = read_all(argv[3]);
    auto csr = check_csr({reinterpret_cast<const std::uint8_t*>(csr_bytes.data()), csr_bytes.size()},
                         {KeyType::rsa2048, KeyType::rsa3072, KeyType::rsa4096, KeyType::p256, KeyType::p384});
    if (!csr) return fail(csr.error());
    SystemClock clock;
    IssueRequest req;
    req.csr = &*csr;
    req.subject = {opt(o, "--cn", "00009876543 riyousya 0001"), opt(o, "--org", "Kakuin Interop Bank"),
                   opt(o, "--ou", "user")};
    OsRandom random;
    req.serial_hex = opt(o, "--serial", random_serial_hex(random));
    req.not_before = clock.now();
    req.not_after = req.not_before + Days(std::stoi(opt(o, "--days", "365")));
    auto issued = (*ca)->issue(req);
    if (!issued) return fail(issued.error());
    write_all(argv[4], issued->pem.data(), issued->pem.size());
    std::cout << issued->serial_hex << "\n";
    return 0;
}

int cmd_crl(int argc, char** argv) {
    if (argc < 5) return usage();
    auto o = options(argc, argv, 5);
    auto ca = IssuingCa::load(settings_for(argv[2]));
    if (!ca) return fail(ca.error());
    SystemClock clock;
    const TimePoint now = clock.now();
    std::vector<RevokedEntry> revoked;
    std::istringstream lines(read_all(argv[3]));
    std::string serial, reason;
    while (lines >> serial >> reason) {
        auto r = reason_from(reason);
        if (!r) return fail(make_error(ErrorCode::invalid_request, "unknown reason " + reason));
        revoked.push_back({serial, now - std::chrono::hours(1), *r});
    }
    auto der = (*ca)->make_crl(revoked, std::stoll(opt(o, "--number", "1")), now, now + std::chrono::hours(24));
    if (!der) return fail(der.error());
    write_all(argv[4], der->data(), der->size());
    return 0;
}

int cmd_ocsp(int argc, char** argv) {
    if (argc < 6) return usage();
    auto ca = IssuingCa::load(settings_for(argv[2]));
    if (!ca) return fail(ca.error());
    std::map<std::string, SerialStatus> statuses;
    std::istringstream lines(read_all(argv[5]));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream f(line);
        std::string serial, kind, reason;
        long long when = 0;
        if (!(f >> serial >> kind)) continue;
        SerialStatus s;
        if (kind == "good") {
            s.kind = SerialStatus::Kind::good;
        } else if (kind == "revoked" && f >> reason >> when && reason_from(reason)) {
            s.kind = SerialStatus::Kind::revoked;
            s.reason = *reason_from(reason);
            s.revoked_at = from_unix(when);
        } else {
            return fail(make_error(ErrorCode::invalid_request, "bad status line: " + line));
        }
        statuses[serial] = s;
    }
    const std::string req = read_all(argv[3]);
    SystemClock clock;
    auto resp = (*ca)->answer_ocsp(
        {reinterpret_cast<const std::uint8_t*>(req.data()), req.size()},
        [&](const std::string& serial) -> Result<SerialStatus> {
            auto it = statuses.find(serial);
            return it == statuses.end() ? SerialStatus{} : it->second;
        },
        clock.now());
    if (!resp) return fail(resp.error());
    write_all(argv[4], resp->data(), resp->size());
    return 0;
}

int cmd_crl_bench(int argc, char** argv) {
    if (argc < 4) return usage();
    auto ca = IssuingCa::load(settings_for(argv[2]));
    if (!ca) return fail(ca.error());
    const long n = std::stol(argv[3]);
    OsRandom random;
    SystemClock clock;
    const TimePoint now = clock.now();
    std::vector<RevokedEntry> revoked;
    revoked.reserve(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i)
        revoked.push_back({random_serial_hex(random), now - Seconds(i % 86400), RevocationReason::superseded});
    const auto start = std::chrono::steady_clock::now();
    auto der = (*ca)->make_crl(revoked, 1, now, now + std::chrono::hours(24));
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (!der) return fail(der.error());
    std::printf("%ld entries: %.3f s, %zu bytes DER\n", n, elapsed.count(), der->size());
    if (argc >= 5) write_all(argv[4], der->data(), der->size());
    return 0;
}

int cmd_issue_bench(int argc, char** argv) {
    if (argc < 5) return usage();
    auto ca = IssuingCa::load(settings_for(argv[2]));
    if (!ca) return fail(ca.error());
    const std::string csr_bytes = read_all(argv[3]);
    auto csr = check_csr({reinterpret_cast<const std::uint8_t*>(csr_bytes.data()), csr_bytes.size()},
                         {KeyType::rsa2048, KeyType::rsa3072, KeyType::rsa4096, KeyType::p256, KeyType::p384});
    if (!csr) return fail(csr.error());
    const long n = std::stol(argv[4]);
    OsRandom random;
    SystemClock clock;
    IssueRequest req;
    req.csr = &*csr;
    req.subject = {"00009876543 riyousya 0001", "Kakuin Interop Bank", "user"};
    req.not_before = clock.now();
    req.not_after = req.not_before + Days(365);
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
        req.serial_hex = random_serial_hex(random);
        auto issued = (*ca)->issue(req);
        if (!issued) return fail(issued.error());
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    std::printf("%ld issuances: %.3f s, %.0f/s\n", n, elapsed.count(), static_cast<double>(n) / elapsed.count());
    return 0;
}

int cmd_ocsp_bench(int argc, char** argv) {
    if (argc < 5) return usage();
    auto ca = IssuingCa::load(settings_for(argv[2]));
    if (!ca) return fail(ca.error());
    const std::string req = read_all(argv[3]);
    const long n = std::stol(argv[4]);
    SystemClock clock;
    auto good = [](const std::string&) -> Result<SerialStatus> { return SerialStatus{SerialStatus::Kind::good}; };
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
        auto resp = (*ca)->answer_ocsp({reinterpret_cast<const std::uint8_t*>(req.data()), req.size()}, good,
                                       clock.now());
        if (!resp) return fail(resp.error());
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    std::printf("%ld OCSP answers: %.3f s, %.0f/s\n", n, elapsed.count(), static_cast<double>(n) / elapsed.count());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string cmd = argv[1];
    try {
        if (cmd == "init") return cmd_init(argc, argv);
        if (cmd == "issue") return cmd_issue(argc, argv);
        if (cmd == "crl") return cmd_crl(argc, argv);
        if (cmd == "ocsp") return cmd_ocsp(argc, argv);
        if (cmd == "crl-bench") return cmd_crl_bench(argc, argv);
        if (cmd == "issue-bench") return cmd_issue_bench(argc, argv);
        if (cmd == "ocsp-bench") return cmd_ocsp_bench(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
    return usage();
}
