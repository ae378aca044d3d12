// Row 3 of bench/run: durable issuances per second through the product's own acquisition use
// case (EnrollmentService::submit_csr: enrollment check, CSR check with its proof of
// possession, slot rules, serial, CA signature, certificate + slot + history + enrollment
// written in one store transaction), from several threads, on a SQLite store opened exactly as
// `kakuin serve` opens it (cli::open_store: WAL, synchronous=FULL).
//
//   issuance_bench --data DIR --db PATH --csr CSR_DER [--threads N] [--count N] [--seconds S]
//                  [--store-only 1]
//
// DIR is a `kakuin init` data dir (its kakuin.toml: CA, policy; $KAKUIN_CA_PASSPHRASE or the
// configured passphrase file). PATH is a store file created for the benchmark (it must not
// exist: the seeded contract would collide). Setup, not timed: one contract with --count users,
// each with a registered issuance and an enrollment past its OTP step. Timed: --threads
// threads call submit_csr until --count issuances or --seconds have passed; only answers that
// returned a certificate count (submit_csr returns one only after its transaction committed).
// Prints "ok=N err=N secs=S rps=R threads=T commits=C per_commit=P" (C: durable COMMITs of the
// timed part, P = ok / C: issuances per COMMIT, from group commit), writer_us (time some
// writer held the store's writer connection, per issuance) and commit_us (of which in COMMIT).
//
// --store-only 1: the store's own bound. The same issuances without their crypto: setup also
// checks the CSR once and presigns every certificate (untimed, CertificateService::presign);
// the timed part then runs EnrollmentService::submit_signed, which is submit_csr with its crypto
// step given (here: the presigned certificate): the same read snapshot of the enrollment and the
// same write transaction, from the same threads through the same group commit.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "auth/session_token.h"
#include "cli/config.h"
#include "cli/store_open.h"
#include "core/certificate_slot.h"
#include "pki/ca.h"
#include "service/certificate_service.h"
#include "service/context.h"
#include "service/enrollment_service.h"
#include "service/person_auth.h"
#include "service/unit_of_work.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/sqlite_store.h"

using namespace kakuin;

namespace {

struct Options {
    std::string data, db, csr;
    int threads = 2;
    long count = 1000;
    double seconds = 10;
    bool store_only = false;
};

int fail(const Error& e) {
    std::cerr << "issuance_bench: " << error_code_name(e.code) << ": " << e.detail << "\n";
    return 2;
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--data") o.data = v;
        else if (k == "--db") o.db = v;
        else if (k == "--csr") o.csr = v;
        else if (k == "--threads") o.threads = std::stoi(v);
        else if (k == "--count") o.count = std::stol(v);
        else if (k == "--seconds") o.seconds = std::stod(v);
        else if (k == "--store-only") o.store_only = v == "1";
        else return false;
    }
    return !o.data.empty() && !o.db.empty() && !o.csr.empty() && o.threads > 0 && o.count > 0;
}

// One contract, `n` users with a registered issuance each and an enrollment ready for its CSR.
// Returns the enrollment IDs (the bearer secrets the acquisition app would hold).
Result<std::vector<std::string>> seed(store::Store& store, const BankPolicy& policy,
                                      Random& random, TimePoint now, long n) {
    std::vector<std::string> ids;
    KAKUIN_TRY(auto tx, store.begin(store::TxMode::write));
    Contract c;
    c.contract_id = "00000000777";
    c.name_kanji = "ベンチ発行";
    c.name_kana = "ﾍﾞﾝﾁ";
    c.login_method = LoginMethod::certificate;
    c.created_at = now;
    KAKUIN_TRY_STATUS(tx->insert_contract(c));
    for (long i = 0; i < n; ++i) {
        Person p;
        p.key = PersonKey::user(c.contract_id, "b" + std::to_string(i));
        p.name_kana = "ﾍﾞﾝﾁ";
        p.login_pin_hash = "unused";
        p.created_at = now;
        KAKUIN_TRY_STATUS(tx->insert_person(p));
        KAKUIN_TRY(CertificateSlot slot, tx->load_slot_for_update(p.key));
        KAKUIN_TRY(Transition t, register_issuance(slot, policy.certificate, now));
        KAKUIN_TRY_STATUS(tx->save_slot(p.key, t.slot));
        auth::IssuedSessionToken id = auth::issue_session_token(random);
        store::EnrollmentRecord e;
        e.id_hash = id.hash_hex;
        e.person = p.key;
        e.phase = store::EnrollmentPhase::ready;
        e.created_at = now;
        e.expires_at = now + service::kEnrollmentLifetime;
        KAKUIN_TRY_STATUS(tx->insert_enrollment(e));
        ids.push_back(std::move(id.token));
    }
    KAKUIN_TRY_STATUS(tx->commit());
    return ids;
}

PersonKey seeded_person(long i) { return PersonKey::user("00000000777", "b" + std::to_string(i)); }

// Every certificate the timed part will store, signed beforehand on `threads` threads.
Result<std::vector<pki::IssuedCertificate>> presign_all(const service::CertificateService& certs,
                                                        const pki::CheckedCsr& checked,
                                                        TimePoint now, long n, int threads) {
    std::vector<pki::IssuedCertificate> out(static_cast<std::size_t>(n));
    std::atomic<long> next{0};
    std::atomic<bool> failed{false};
    Error first = make_error(ErrorCode::storage_failure, "presign");
    std::mutex mu;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            for (long i; (i = next.fetch_add(1)) < n && !failed.load();) {
                auto c = certs.presign(seeded_person(i), checked, now);
                if (!c) {
                    std::lock_guard lock(mu);
                    if (!failed.exchange(true)) first = c.error();
                    return;
                }
                out[static_cast<std::size_t>(i)] = std::move(c).value();
            }
        });
    }
    for (std::thread& t : pool) t.join();
    if (failed.load()) return first;
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::cerr << "usage: see the comment at the top of bench/issuance/issuance_bench.cpp\n";
        return 64;
    }
    std::ifstream in(o.csr, std::ios::binary);
    const std::vector<std::uint8_t> csr((std::istreambuf_iterator<char>(in)), {});
    if (csr.empty()) return fail(make_error(ErrorCode::invalid_request, "cannot read " + o.csr));

    auto config = cli::load_config(o.data);
    if (!config) return fail(config.error());
    config->store_url = "sqlite:" + o.db;
    auto store = cli::open_store(*config);
    if (!store) return fail(store.error());
    auto ca = pki::IssuingCa::load(config->ca);
    if (!ca) return fail(ca.error());
    SystemClock clock;
    pki::OsRandom random;
    // The CSR's key type must be allowed whatever the data dir's policy says.
    config->policy.certificate.allowed_key_types = {KeyType::rsa2048, KeyType::rsa3072,
                                                    KeyType::p256, KeyType::p384};
    const service::ServiceContext ctx{**store, **ca, clock, random, config->policy, {}};
    service::CertificateService certificates(**store, **ca, clock, random, config->policy);
    service::EnrollmentService enrollments(ctx, certificates);

    auto ids = seed(**store, config->policy, random, clock.now(), o.count);
    if (!ids) return fail(ids.error());
    std::vector<pki::IssuedCertificate> presigned;
    pki::CheckedCsr checked;
    if (o.store_only) {
        auto c = pki::check_csr(csr, config->policy.certificate.allowed_key_types);
        if (!c) return fail(c.error());
        checked = std::move(c).value();
        auto all = presign_all(certificates, checked, clock.now(), o.count, o.threads);
        if (!all) return fail(all.error());
        presigned = std::move(all).value();
    }

    auto* sqlite = dynamic_cast<store::sqlite::SqliteStore*>(store->get());
    const std::uint64_t commits_before = sqlite ? sqlite->durable_commits() : 0;
    const std::uint64_t frames_before = sqlite ? sqlite->checkpoint_stats().frames : 0;
    const store::sqlite::WriterStats stats_before =
        sqlite ? sqlite->writer_stats() : store::sqlite::WriterStats{};
    std::atomic<long> next{0}, ok{0}, err{0};
    std::atomic<bool> first_error_printed{false};
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(o.seconds));
    std::vector<std::thread> threads;
    for (int t = 0; t < o.threads; ++t) {
        threads.emplace_back([&] {
            for (;;) {
                const long i = next.fetch_add(1);
                if (i >= o.count || std::chrono::steady_clock::now() >= deadline) return;
                const auto at = static_cast<std::size_t>(i);
                // --store-only: the same use case with the certificate signed beforehand.
                auto r = o.store_only
                             ? enrollments.submit_signed(
                                   (*ids)[at],
                                   [&](const PersonKey&, TimePoint)
                                       -> Result<service::EnrollmentService::Signed> {
                                       return service::EnrollmentService::Signed{checked,
                                                                                 presigned[at]};
                                   },
                                   "127.0.0.1")
                             : enrollments.submit_csr((*ids)[at], csr, "127.0.0.1");
                if (r) {
                    ok.fetch_add(1);
                } else {
                    err.fetch_add(1);
                    if (!first_error_printed.exchange(true)) (void)fail(r.error());
                }
            }
        });
    }
    for (std::thread& t : threads) t.join();
    const std::chrono::duration<double> secs = std::chrono::steady_clock::now() - start;
    const std::uint64_t commits = sqlite ? sqlite->durable_commits() - commits_before : 0;
    const store::sqlite::WriterStats stats_after =
        sqlite ? sqlite->writer_stats() : store::sqlite::WriterStats{};
    using us = std::chrono::duration<double, std::micro>;
    const double n = ok.load() ? static_cast<double>(ok.load()) : 1.0;
    const double held_us = us(stats_after.held_time - stats_before.held_time).count() / n;
    const double commit_us = us(stats_after.commit_time - stats_before.commit_time).count() / n;
    std::printf("ok=%ld err=%ld secs=%.3f rps=%.1f threads=%d commits=%llu per_commit=%.2f "
                "writer_us=%.1f commit_us=%.1f ckpt_bg=%llu ckpt_inline=%llu pages=%.1f\n",
                ok.load(), err.load(), secs.count(), static_cast<double>(ok.load()) / secs.count(),
                o.threads, static_cast<unsigned long long>(commits),
                commits ? static_cast<double>(ok.load()) / static_cast<double>(commits) : 0.0,
                held_us, commit_us,
                static_cast<unsigned long long>(sqlite ? sqlite->checkpoint_stats().background : 0),
                static_cast<unsigned long long>(sqlite ? sqlite->checkpoint_stats().inline_ : 0),
                sqlite ? static_cast<double>(sqlite->checkpoint_stats().frames - frames_before) / n
                       : 0.0);
    return err.load() == 0 && ok.load() > 0 ? 0 : 1;
}
