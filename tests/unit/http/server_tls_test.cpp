// The server over real TLS: a throwaway CA, an encrypted server key, client certificates,
// and curl / openssl s_client as independent clients.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "test_pki.h"
#include "test_support.h"

namespace kakuin::http {
namespace {

using namespace std::chrono_literals;
using testing::curl;
using testing::CurlResult;
using testing::header_value;
using testing::LogCapture;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;
using testing::TestCa;
using testing::write_file;

constexpr const char* kPassphrase = "correct horse battery staple";
constexpr std::uint64_t kClientSerial = 0x1A2B3C4D5E6FULL;

std::time_t real_now() {
    // Tests may read the real clock: curl checks the server certificate against it.
    return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
}

std::string sha256_of_pem(const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(x, EVP_sha256(), md, &n);
    X509_free(x);
    std::string hex;
    for (unsigned i = 0; i < n; ++i) {
        static const char d[] = "0123456789abcdef";
        hex += d[md[i] >> 4];
        hex += d[md[i] & 15];
    }
    return hex;
}

// One CA hierarchy for every test of this file (key generation is the slow part).
struct Pki {
    Pki()
        : now(real_now()),
          ca("kakuin test issuing CA", now - 86400, now + 10 * 365 * 86400),
          other_ca("someone else's CA", now - 86400, now + 10 * 365 * 86400),
          server(ca.issue_server(now - 86400, now + 365 * 86400, 2)),
          client(ca.issue_client("00009876543 riyousya 1635", now - 3600, now + 30 * 86400,
                                 kClientSerial)),
          stranger(
              other_ca.issue_client("00009876543 riyousya 1635", now - 3600, now + 30 * 86400, 7)) {
        write_file(dir.file("ca.pem"), ca.pem());
        write_file(dir.file("client.pem"), client.cert_pem);
        write_file(dir.file("client.key"), client.key_pem);
        write_file(dir.file("stranger.pem"), stranger.cert_pem);
        write_file(dir.file("stranger.key"), stranger.key_pem);
    }
    std::time_t now;
    TempDir dir;
    TestCa ca;
    TestCa other_ca;
    testing::Issued server;
    testing::Issued client;
    testing::Issued stranger;
};

Pki& pki() {
    static Pki p;
    return p;
}

class TlsServerTest : public ::testing::Test {
  protected:
    TlsServerTest() : clock(from_unix(pki().now)) {
        router.get("/whoami", [](const Request& r) {
            boost::json::object o;
            o["listener"] = r.listener;
            o["tls"] = r.tls;
            if (r.client_certificate) {
                const auto& c = *r.client_certificate;
                o["serial"] = c.serial_hex;
                o["cn"] = c.subject_cn;
                o["sha256"] = c.sha256_hex;
                o["not_after"] = to_unix(c.not_after);
                o["der_size"] = c.der.size();
            }
            return Response::json(o);
        });
    }
    ~TlsServerTest() override {
        if (server) server->stop();
    }

    ServerConfig config() {
        ServerConfig c;
        c.listeners = {{"https", "127.0.0.1", 0, TlsMode::server_only},
                       {"mtls", "127.0.0.1", 0, TlsMode::client_cert_required}};
        c.tls.certificate_chain_pem = pki().server.cert_pem + pki().ca.pem();
        c.tls.private_key_pem = testing::encrypted_key_pem(pki().server.key.get(), kPassphrase);
        c.tls.private_key_passphrase = kPassphrase;
        c.tls.client_ca_pem = pki().ca.pem();
        c.log = logs.sink();
        return c;
    }
    void start(ServerConfig c) {
        server = std::make_unique<Server>(std::move(c), router, clock);
        auto r = server->start();
        ASSERT_TRUE(r.ok()) << r.error().detail;
        ports = *r;
    }
    std::string url(const std::string& listener, const std::string& path) {
        return "https://localhost:" + std::to_string(ports.at(listener)) + path;
    }
    CurlResult get(const std::string& listener, std::vector<std::string> args = {}) {
        args.insert(args.begin(), {"--cacert", pki().dir.file("ca.pem")});
        return curl(dir, args, url(listener, "/whoami"));
    }
    std::vector<std::string> cert(const std::string& name) {
        return {"--cert", pki().dir.file(name + ".pem"), "--key", pki().dir.file(name + ".key")};
    }
    std::string s_client(const std::string& listener, const std::string& options) {
        return "openssl s_client -connect 127.0.0.1:" + std::to_string(ports.at(listener)) +
               " -CAfile " + shell_quote(pki().dir.file("ca.pem")) + " " + options + " </dev/null";
    }

    Router router;
    SimulatedClock clock;
    LogCapture logs;
    TempDir dir;
    std::unique_ptr<Server> server;
    BoundPorts ports;
};

TEST_F(TlsServerTest, HttpsWithHstsAndNoClientCertificate) {
    start(config());
    auto r = get("https", cert("client"));  // offered but never requested on this listener
    ASSERT_EQ(r.status, "200") << r.body;
    auto o = boost::json::parse(r.body).as_object();
    EXPECT_EQ(o.at("listener").as_string(), "https");
    EXPECT_TRUE(o.at("tls").as_bool());
    EXPECT_FALSE(o.contains("serial"));
    EXPECT_EQ(header_value(r.headers, "Strict-Transport-Security"), "max-age=63072000");
    EXPECT_EQ(header_value(r.headers, "X-Content-Type-Options"), "nosniff");
}

TEST_F(TlsServerTest, ClientCertificateListenerExposesTheVerifiedLeaf) {
    start(config());
    auto r = get("mtls", cert("client"));
    ASSERT_EQ(r.status, "200") << r.body;
    auto o = boost::json::parse(r.body).as_object();
    EXPECT_EQ(o.at("listener").as_string(), "mtls");
    EXPECT_EQ(o.at("serial").as_string(), "1A2B3C4D5E6F");
    EXPECT_EQ(o.at("cn").as_string(), "00009876543 riyousya 1635");
    EXPECT_EQ(o.at("sha256").as_string(), sha256_of_pem(pki().client.cert_pem));
    EXPECT_EQ(o.at("not_after").as_int64(), pki().now + 30 * 86400);
    EXPECT_GT(o.at("der_size").as_int64(), 100);
}

TEST_F(TlsServerTest, ClientCertificateListenerRejectsNoCertificate) {
    start(config());
    auto r = get("mtls");
    EXPECT_EQ(r.status, "000");
    EXPECT_NE(r.exit_code, 0);
    server->stop();
    EXPECT_TRUE(logs.contains("event=tls_handshake_failed listener=mtls remote=127.0.0.1"));
}

TEST_F(TlsServerTest, ClientCertificateListenerRejectsAnotherCa) {
    start(config());
    auto r = get("mtls", cert("stranger"));
    EXPECT_EQ(r.status, "000");
    server->stop();
    EXPECT_TRUE(logs.contains("unable to get local issuer certificate")) << logs.lines().size();
}

// The injected clock drives verification: the same certificate is refused once the
// simulated time passes its notAfter.
TEST_F(TlsServerTest, ExpiryFollowsTheInjectedClock) {
    start(config());
    EXPECT_EQ(get("mtls", cert("client")).status, "200");
    clock.advance(Days(31));
    EXPECT_EQ(get("mtls", cert("client")).status, "000");
    clock.set(from_unix(pki().now - 7200));  // before notBefore
    EXPECT_EQ(get("mtls", cert("client")).status, "000");
    clock.set(from_unix(pki().now));
    EXPECT_EQ(get("mtls", cert("client")).status, "200");
    server->stop();
    EXPECT_TRUE(logs.contains("certificate has expired"));
    EXPECT_TRUE(logs.contains("certificate is not yet valid"));
}

// With accept_expired_client_leaf the expired leaf reaches the handler (which refuses it by
// name, R23); a leaf that is not yet valid and a foreign CA are still refused in the handshake.
TEST_F(TlsServerTest, ExpiredLeafReachesTheApplicationWhenAllowed) {
    ServerConfig c = config();
    c.tls.accept_expired_client_leaf = true;
    start(std::move(c));
    clock.advance(Days(31));
    auto expired = get("mtls", cert("client"));
    ASSERT_EQ(expired.status, "200") << expired.body;
    auto o = boost::json::parse(expired.body).as_object();
    EXPECT_EQ(o.at("serial").as_string(), "1A2B3C4D5E6F");
    EXPECT_LT(o.at("not_after").as_int64(), to_unix(clock.now()));
    EXPECT_EQ(get("mtls", cert("stranger")).status, "000");
    EXPECT_EQ(get("mtls").status, "000");
    clock.set(from_unix(pki().now - 7200));  // before notBefore
    EXPECT_EQ(get("mtls", cert("client")).status, "000");
    server->stop();
    EXPECT_TRUE(logs.contains("certificate is not yet valid"));
}

TEST_F(TlsServerTest, OldProtocolsAndWeakCiphersAreRefused) {
    start(config());
    // Control: the same client settings work with TLS 1.2 and an AEAD suite.
    auto ok = run_command(s_client("https", "-tls1_2 -cipher 'DEFAULT@SECLEVEL=0'"));
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_NE(ok.output.find("TLSv1.2"), std::string::npos);
    EXPECT_NE(ok.output.find("GCM"), std::string::npos) << ok.output;

    auto tls11 = run_command(s_client("https", "-tls1_1 -cipher 'DEFAULT@SECLEVEL=0'"));
    EXPECT_NE(tls11.exit_code, 0);
    EXPECT_NE(tls11.output.find("Cipher is (NONE)"), std::string::npos) << tls11.output;

    auto tls10 = run_command(s_client("https", "-tls1 -cipher 'DEFAULT@SECLEVEL=0'"));
    EXPECT_NE(tls10.exit_code, 0);

    auto cbc = run_command(
        s_client("https", "-tls1_2 -cipher 'ECDHE-ECDSA-AES128-SHA256:AES128-SHA:@SECLEVEL=0'"));
    EXPECT_NE(cbc.exit_code, 0) << cbc.output;

    auto tls13 = run_command(s_client("https", "-tls1_3"));
    EXPECT_EQ(tls13.exit_code, 0);
    EXPECT_NE(tls13.output.find("TLSv1.3"), std::string::npos);
    server->stop();
    EXPECT_TRUE(logs.contains("unsupported protocol"));
}

// Resumption is on for the plain HTTPS listener and off where a client certificate is
// required, so every connection there is verified with the current clock.
TEST_F(TlsServerTest, SessionResumptionOnlyWithoutClientCertificates) {
    start(config());
    const auto session = dir.file("session.pem");
    const auto resume = [&](const std::string& listener, const std::string& extra) {
        auto first = run_command(
            s_client(listener, "-tls1_2 -sess_out " + shell_quote(session) + " " + extra));
        EXPECT_EQ(first.exit_code, 0) << first.output;
        auto second = run_command(
            s_client(listener, "-tls1_2 -sess_in " + shell_quote(session) + " " + extra));
        EXPECT_EQ(second.exit_code, 0) << second.output;
        return second.output.find("Reused, TLSv1.2") != std::string::npos;
    };
    EXPECT_TRUE(resume("https", ""));
    const std::string client = "-cert " + shell_quote(pki().dir.file("client.pem")) + " -key " +
                               shell_quote(pki().dir.file("client.key"));
    EXPECT_FALSE(resume("mtls", client));
}

TEST_F(TlsServerTest, HandshakeTimeout) {
    auto c = config();
    c.timeouts.tls_handshake = 300ms;
    start(c);
    testing::RawClient silent(ports.at("https"));
    bool closed = false;
    const auto t0 = std::chrono::steady_clock::now();
    silent.read_all(5s, closed);
    EXPECT_TRUE(closed);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    server->stop();
    EXPECT_TRUE(logs.contains("reason=timeout"));
}

TEST_F(TlsServerTest, GarbageInsteadOfAHandshakeIsHarmless) {
    start(config());
    testing::RawClient c(ports.at("mtls"));
    ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    bool closed = false;
    c.read_all(3s, closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(get("https").status, "200");  // still serving
}

TEST_F(TlsServerTest, BadKeyMaterialIsAConfigError) {
    auto wrong = config();
    wrong.tls.private_key_passphrase = "wrong";
    Server a(std::move(wrong), router, clock);
    auto ra = a.start();
    ASSERT_FALSE(ra.ok());
    EXPECT_EQ(ra.error().code, ErrorCode::config_invalid);
    EXPECT_EQ(ra.error().detail.find("wrong"),
              ra.error().detail.find("wrong passphrase?"));  // never the passphrase

    auto mismatch = config();
    mismatch.tls.private_key_pem = pki().client.key_pem;  // someone else's key
    Server b(std::move(mismatch), router, clock);
    EXPECT_EQ(b.start().error().code, ErrorCode::config_invalid);

    auto no_ca = config();
    no_ca.tls.client_ca_pem.clear();
    Server c(std::move(no_ca), router, clock);
    EXPECT_EQ(c.start().error().code, ErrorCode::config_invalid);

    auto garbage = config();
    garbage.tls.certificate_chain_pem =
        "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n";
    Server d(std::move(garbage), router, clock);
    EXPECT_EQ(d.start().error().code, ErrorCode::config_invalid);
}

}  // namespace
}  // namespace kakuin::http
