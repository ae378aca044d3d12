#include "service_fixture.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdlib>

namespace kakuin::service::testing {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kakuin-service-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

pki::EvpPkeyPtr make_key(const std::string& alg, int bits, const std::string& curve) {
    EVP_PKEY* key = nullptr;
    if (alg == "RSA") {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
    } else {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve.c_str());
    }
    if (!key) std::abort();
    return pki::EvpPkeyPtr(key);
}

namespace {
pki::X509ReqPtr make_req(EVP_PKEY* key) {
    pki::X509ReqPtr req(X509_REQ_new());
    if (!req || X509_REQ_set_version(req.get(), 0) != 1) std::abort();
    X509_NAME* name = X509_REQ_get_subject_name(req.get());
    // The CA must ignore this subject.
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("attacker chosen"), -1, -1, 0);
    if (X509_REQ_set_pubkey(req.get(), key) != 1) std::abort();
    if (X509_REQ_sign(req.get(), key, EVP_sha256()) <= 0) std::abort();
    return req;
}
}  // namespace

Bytes csr_der(EVP_PKEY* key) {
    pki::X509ReqPtr req = make_req(key);
    unsigned char* out = nullptr;
    const int n = i2d_X509_REQ(req.get(), &out);
    if (n <= 0) std::abort();
    Bytes der(out, out + n);
    OPENSSL_free(out);
    return der;
}

std::string csr_pem(EVP_PKEY* key) {
    pki::X509ReqPtr req = make_req(key);
    pki::BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1) std::abort();
    return pki::bio_to_string(bio.get());
}

pki::X509Ptr parse_cert(const Bytes& der) {
    const unsigned char* p = der.data();
    return pki::X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

std::string subject_entry(const X509* cert, int nid) {
    const X509_NAME* name = X509_get_subject_name(cert);
    const int i = X509_NAME_get_index_by_NID(name, nid, -1);
    if (i < 0) return "";
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

const CaFiles& shared_ca() {
    static CaFiles* files = [] {
        auto* f = new CaFiles;
        f->settings.dir = (f->dir.path() / "ca").string();
        f->settings.passphrase = "test passphrase";
        f->settings.crl_url = "http://localhost:8080/crl";
        f->settings.ocsp_url = "http://localhost:8080/ocsp";
        SimulatedClock clock(test_start() - Days(1));
        pki::OsRandom random;
        pki::CaHierarchySpec spec;
        spec.organization = "Kakuin Test Bank";
        auto st = pki::create_ca_hierarchy(f->settings, spec, clock, random);
        if (!st.ok()) {
            ADD_FAILURE() << "create_ca_hierarchy: " << st.error().detail;
            std::abort();
        }
        auto ca = pki::IssuingCa::load(f->settings);
        if (!ca.ok()) {
            ADD_FAILURE() << "IssuingCa::load: " << ca.error().detail;
            std::abort();
        }
        f->ca = std::move(ca).value();
        return f;
    }();
    return *files;
}

ServiceTest::ServiceTest() : p256(make_key("EC", 0, "P-256")) {
    policy.certificate.organization = "Kakuin Test Bank";
}

void ServiceTest::SetUp() {
    auto s = store::sqlite::SqliteStore::open((dir.path() / "kakuin.db").string());
    ASSERT_TRUE(s.ok()) << s.error().detail;
    store = std::move(s).value();
    contracts = std::make_unique<ContractService>(service_store(), clock, policy);
    certs = std::make_unique<CertificateService>(service_store(), *shared_ca().ca, clock, random, policy);
}

void ServiceTest::register_people() {
    Contract c;
    c.contract_id = kContract;
    c.name_kanji = "株式会社かくいん";
    c.name_kana = "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝ";
    c.login_method = LoginMethod::certificate;
    Person a;
    a.key = kAdmin;
    a.name_kana = "ｶﾝﾘｼｬ";
    a.authority = Authority::approver;
    ASSERT_TRUE(contracts->register_contract(bank, c, a).ok());
    Person u;
    u.key = kUser;
    u.name_kana = "ﾘﾖｳｼｬ";
    ASSERT_TRUE(contracts->register_user(admin, u).ok());
}

std::string ServiceTest::acquire(const PersonKey& who) {
    auto slot = certs->slot(who);
    EXPECT_TRUE(slot.ok());
    if (slot.ok() && slot->status_at(clock.now()) != SlotStatus::registered) {
        auto r = certs->register_issuance(admin, who);
        EXPECT_TRUE(r.ok()) << r.error().detail;
    }
    auto issued = certs->issue_from_csr(Actor::person(who), who, csr_der(p256.get()));
    EXPECT_TRUE(issued.ok()) << issued.error().detail;
    return issued.ok() ? issued->certificate.serial_hex : "";
}

std::unique_ptr<store::Transaction> ServiceTest::read() {
    auto tx = store->begin(store::TxMode::read);
    EXPECT_TRUE(tx.ok());
    return std::move(tx).value();
}

store::RowCounts ServiceTest::counts() {
    auto c = read()->row_counts();
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : store::RowCounts{};
}

std::int64_t ServiceTest::history_count() { return counts().history; }

}  // namespace kakuin::service::testing
