#include "cli/smtp_mail_sender.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace kakuin::cli {

namespace {

struct EasyDelete {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDelete {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Upload {
    const std::string* data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t nitems, void* user) {
    auto* u = static_cast<Upload*>(user);
    const std::size_t room = size * nitems;
    const std::size_t n = std::min(room, u->data->size() - u->offset);
    std::memcpy(buffer, u->data->data() + u->offset, n);
    u->offset += n;
    return n;
}

Error smtp_error(std::string detail) {
    // internal_error: the store keeps the detail as the reminder's last error; no API maps it.
    return make_error(ErrorCode::internal_error, "smtp: " + std::move(detail));
}

}  // namespace

Status SmtpMailSender::send(const service::MailMessage& m) {
    if (m.data.size() > kMaxMailBytes) return smtp_error("message larger than 64 KiB");
    std::unique_ptr<CURL, EasyDelete> curl(curl_easy_init());
    if (!curl) return smtp_error("curl_easy_init failed");
    CURL* c = curl.get();
    CURLcode rc = CURLE_OK;
    auto set = [&rc](CURLcode r) {
        if (rc == CURLE_OK) rc = r;
    };
    const std::string from = "<" + m.envelope_from + ">";
    const std::string to = "<" + m.envelope_to + ">";
    std::unique_ptr<curl_slist, SlistDelete> rcpt(curl_slist_append(nullptr, to.c_str()));
    if (!rcpt) return smtp_error("curl_slist_append failed");
    Upload upload{&m.data};

    set(curl_easy_setopt(c, CURLOPT_URL, smtp_.url.c_str()));
    set(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps"));
    set(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(smtp_.timeout_seconds)));
    set(curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(smtp_.timeout_seconds)));
    // smtp://: STARTTLS when the server offers it (a relay on the same host may not);
    // smtps:// is TLS from the start. Certificates are verified either way (curl's default).
    set(curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY)));
    set(curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str()));
    set(curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get()));
    set(curl_easy_setopt(c, CURLOPT_UPLOAD, 1L));
    set(curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(m.data.size())));
    set(curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload));
    set(curl_easy_setopt(c, CURLOPT_READDATA, &upload));
    if (!smtp_.username.empty()) {
        set(curl_easy_setopt(c, CURLOPT_USERNAME, smtp_.username.c_str()));
        set(curl_easy_setopt(c, CURLOPT_PASSWORD, smtp_.password.c_str()));
    }
    if (rc != CURLE_OK) return smtp_error(std::string("setup: ") + curl_easy_strerror(rc));

    rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK) {
        std::string detail = curl_easy_strerror(rc);
        if (code != 0) detail += " (server replied " + std::to_string(code) + ")";
        return smtp_error(detail);
    }
    return {};
}

}  // namespace kakuin::cli
