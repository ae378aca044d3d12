// `kakuin demo --data DIR`: the README's first command. Initialises DIR when empty, creates
// the demo contract 00009876543 (certificate method) with its administrator and the users
// riyousya (software token, certificate registered for acquisition) and genchi02 (ID/PIN, no
// certificate) once, writes their credentials to DIR/demo-credentials.json (0600), then
// serves. A later run finds the credentials file and only serves.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <filesystem>
#include <tuple>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/files.h"
#include "cli/store_open.h"
#include "core/clock.h"
#include "core/random.h"
#include "pki/ca.h"
#include "service/bank_service.h"
#include "service/staff_service.h"
#include "service/certificate_service.h"
#include "service/context.h"
#include "service/user_admin_service.h"

namespace kakuin::cli {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr const char* kDemoContract = "00009876543";

struct DemoUser {
    std::string user_id, pin, confirmation_pin, totp_secret;
};

// A PIN that satisfies every PIN policy kakuin.toml allows: 8 characters, a letter and digits.
std::string demo_pin(Random& random) { return "k" + random_digits(random, 7); }

json::object person_json(const std::string& user_id, const std::string& pin,
                         const std::string& confirmation_pin, const std::string& totp) {
    json::object o;
    if (!user_id.empty()) o["user_id"] = user_id;
    o["pin"] = pin;
    o["confirmation_pin"] = confirmation_pin;
    o["totp_secret_base32"] = totp;
    return o;
}

Result<DemoUser> add_user(service::UserAdminService& users, const service::SessionInfo& admin,
                          const std::string& admin_confirmation_pin, Random& random,
                          const std::string& user_id, const std::string& name_kana,
                          const std::string& name_kanji, bool certificate) {
    DemoUser u{user_id, demo_pin(random), demo_pin(random), {}};
    service::UserInput in;
    in.user_id = user_id;
    in.name_kana = name_kana;
    in.name_kanji = name_kanji;
    in.authority = Authority::approver;
    in.login_pin = in.login_pin_again = u.pin;
    in.confirmation_pin = in.confirmation_pin_again = u.confirmation_pin;
    in.permissions[BusinessService::balance].allowed = true;
    in.permissions[BusinessService::statements].allowed = true;
    in.permissions[BusinessService::transfer_adhoc].allowed = true;
    in.issue_certificate = certificate;
    KAKUIN_TRY(auto detail, users.register_user(admin, in, admin_confirmation_pin, std::nullopt));
    (void)detail;
    KAKUIN_TRY(auto token, users.register_token(admin, user_id, service::TokenRequest{},
                                                admin_confirmation_pin, std::nullopt));
    u.totp_secret = token.secret_base32;
    return u;
}

Status create_demo(const std::string& data_dir) {
    KAKUIN_TRY(auto config, load_config(data_dir));
    KAKUIN_TRY(auto store, open_store(config));
    KAKUIN_TRY(auto ca, pki::IssuingCa::load(config.ca));
    SystemClock clock;
    pki::OsRandom random;
    const auto& ph = config.pin_hash;
    const service::ServiceContext ctx{
        *store,
        *ca,
        clock,
        random,
        config.policy,
        auth::Argon2Params{static_cast<std::uint32_t>(ph.memory_kib),
                           static_cast<std::uint32_t>(ph.iterations),
                           static_cast<std::uint32_t>(ph.parallelism)}};
    service::CertificateService certificates(*store, *ca, clock, random, config.policy);
    service::BankService bank(ctx, certificates);
    service::UserAdminService users(ctx, certificates);

    service::ContractInput contract;
    contract.contract_id = kDemoContract;
    contract.name = "かくいん商事株式会社";
    contract.name_kana = "ｶｸｲﾝｼｮｳｼﾞ(ｶ";
    contract.login_method = LoginMethod::certificate;
    KAKUIN_TRY(auto created, bank.create_contract(Actor::bank("demo"), contract));

    // The administrator acts as themselves through the same use cases as the screens.
    service::SessionInfo admin;
    admin.person = PersonKey::admin(kDemoContract);
    admin.state = service::SessionState::active;
    const std::string& confirm = created.admin_confirmation_pin;
    KAKUIN_TRY(auto riyousya,
               add_user(users, admin, confirm, random, "riyousya", "ﾘﾖｳ ｼｬ", "利用 者", true));
    KAKUIN_TRY(auto genchi, add_user(users, admin, confirm, random, "genchi02", "ｹﾞﾝﾁ ｼﾞﾛｳ",
                                     "現地 二郎", false));

    json::object out;
    out["contract_id"] = kDemoContract;
    out["admin"] =
        person_json("", created.admin_login_pin, confirm, created.admin_totp_secret_base32);
    json::array list;
    for (const auto& u : {riyousya, genchi})
        list.push_back(person_json(u.user_id, u.pin, u.confirmation_pin, u.totp_secret));
    out["users"] = std::move(list);
    // Two bank staff for the back office (/bank/ on the bank listener): four eyes need both.
    service::StaffService staff(ctx);
    json::array staff_list;
    for (auto [id, name, role] : {std::tuple{"madoguchi1", "窓口 花子", store::StaffRole::operator_},
                                  std::tuple{"shounin1", "承認 次郎", store::StaffRole::approver}}) {
        KAKUIN_TRY(auto s, staff.add_staff(id, name, role, Actor::bank("demo")));
        json::object o;
        o["staff_id"] = s.staff.staff_id;
        o["name"] = s.staff.name;
        o["role"] = store::staff_role_name(role);
        o["pin"] = s.pin;
        o["totp_secret"] = s.totp_secret_base32;
        staff_list.push_back(std::move(o));
    }
    out["staff"] = std::move(staff_list);
    KAKUIN_TRY_STATUS(write_file((fs::path(data_dir) / "demo-credentials.json").string(),
                                 json::serialize(out) + "\n", 0600));
    if (!fs::exists(fs::path(data_dir) / "ca-chain.pem"))
        KAKUIN_TRY_STATUS(
            write_file((fs::path(data_dir) / "ca-chain.pem").string(), ca->chain_pem(), 0644));
    return {};
}

void print_where_to_go(const std::string& dir, const std::map<std::string, std::uint16_t>& ports) {
    auto port = [&](const char* name) {
        auto it = ports.find(name);
        return it == ports.end() ? std::string("?") : std::to_string(it->second);
    };
    const std::string https = "https://localhost:" + port("https");
    std::printf(
        "\nkakuin demo is running (Ctrl-C stops it).\n"
        "  contract ID 00009876543 (certificate login); PINs and OTP secrets of the "
        "administrator,\n"
        "  riyousya and genchi02: %s/demo-credentials.json (oathtool --totp -b SECRET)\n"
        "  trust this chain in the browser / clients: %s/ca-chain.pem\n\n"
        "  1. get a certificate (administrator; add --user-id riyousya for the user):\n"
        "     kakuin-cert acquire --server %s --ca-file %s/ca-chain.pem --contract-id 00009876543\n"
        "  2. log in with it:   https://localhost:%s   (certificate login)\n"
        "     ID/PIN login (genchi02) and the API: %s\n"
        "  CRL and OCSP: http://localhost:%s/crl  http://localhost:%s/ocsp\n"
        "  the bank's back office: https://localhost:%s/bank/ (staff madoguchi1 = operator,\n"
        "     shounin1 = approver; PINs and OTP secrets in demo-credentials.json)\n\n",
        dir.c_str(), dir.c_str(), https.c_str(), dir.c_str(), port("mtls").c_str(), https.c_str(),
        port("http").c_str(), port("http").c_str(), port("bank").c_str());
    std::fflush(stdout);
}

}  // namespace

int run_demo(const std::string& data_dir_arg) {
    if (data_dir_arg.empty()) return run_init(InitOptions{});
    const std::string dir = fs::absolute(data_dir_arg).string();
    if (!fs::exists(fs::path(dir) / "kakuin.toml")) {
        if (int rc = run_init(InitOptions{dir, {}}); rc != 0) return rc;
    }
    if (!fs::exists(fs::path(dir) / "demo-credentials.json")) {
        Status s = create_demo(dir);
        if (!s.ok()) {
            print_error(s.error());
            return 1;
        }
        std::printf("kakuin demo: created contract %s with users riyousya and genchi02\n",
                    kDemoContract);
    } else {
        std::printf("kakuin demo: reusing %s\n", dir.c_str());
    }
    ServeOptions serve;
    serve.data_dir = dir;
    serve.on_listening = [dir](const std::map<std::string, std::uint16_t>& ports) {
        print_where_to_go(dir, ports);
    };
    return run_serve(serve);
}

}  // namespace kakuin::cli
