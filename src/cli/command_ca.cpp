// `kakuin ca crl` and `kakuin ca ocsp`: the CA's answers as files, from the store.
#include <cstdio>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/files.h"
#include "cli/store_open.h"
#include "core/clock.h"
#include "pki/ca.h"
#include "service/certificate_service.h"

namespace kakuin::cli {

namespace {

// Everything a CA command needs, loaded from DIR.
struct CaContext {
    Config config;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<pki::IssuingCa> ca;
    SystemClock clock;
    pki::OsRandom random;
};

Result<std::unique_ptr<CaContext>> load(const std::string& data_dir) {
    auto ctx = std::make_unique<CaContext>();
    KAKUIN_TRY(ctx->config, load_config(data_dir));
    KAKUIN_TRY(ctx->store, open_store(ctx->config));
    KAKUIN_TRY(ctx->ca, pki::IssuingCa::load(ctx->config.ca));
    return ctx;
}

int report(const Status& s) {
    if (s.ok()) return 0;
    print_error(s.error());
    return 1;
}

Status crl(const std::string& data_dir, const std::string& out_file) {
    KAKUIN_TRY(auto ctx, load(data_dir));
    service::CertificateService certs(*ctx->store, *ctx->ca, ctx->clock, ctx->random, ctx->config.policy);
    KAKUIN_TRY(auto der, certs.crl(std::chrono::hours(ctx->config.ca.crl_next_update_hours)));
    KAKUIN_TRY_STATUS(write_file(out_file, der.data(), der.size(), 0644));
    std::printf("kakuin: CRL written to %s (%zu bytes)\n", out_file.c_str(), der.size());
    return {};
}

Status ocsp(const std::string& data_dir, const std::string& request_file, const std::string& out_file) {
    KAKUIN_TRY(auto ctx, load(data_dir));
    KAKUIN_TRY(auto request, read_file_limited(request_file, pki::kMaxOcspRequestBytes));
    if (request.size() > pki::kMaxOcspRequestBytes)
        return make_error(ErrorCode::ocsp_request_invalid, "the request is larger than 8 KiB");
    service::CertificateService certs(*ctx->store, *ctx->ca, ctx->clock, ctx->random, ctx->config.policy);
    KAKUIN_TRY(auto der, certs.ocsp(request));
    KAKUIN_TRY_STATUS(write_file(out_file, der.data(), der.size(), 0644));
    std::printf("kakuin: OCSP response written to %s (%zu bytes)\n", out_file.c_str(), der.size());
    return {};
}

}  // namespace

int run_ca_crl(const std::string& data_dir, const std::string& out_file) {
    return report(crl(data_dir, out_file));
}

int run_ca_ocsp(const std::string& data_dir, const std::string& request_file, const std::string& out_file) {
    return report(ocsp(data_dir, request_file, out_file));
}

}  // namespace kakuin::cli
