#include "client/curl_transport.h"

#include <curl/curl.h>
#include <openssl/crypto.h>

#include <cctype>
#include <memory>

namespace kakuin::client {
namespace {

struct EasyCleanup {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
    void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};

struct Sink {
    std::string* body;
    std::size_t limit;
    bool too_large = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t n, void* userdata) {
    auto* sink = static_cast<Sink*>(userdata);
    const std::size_t len = size * n;
    if (sink->body->size() + len > sink->limit) {
        sink->too_large = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    sink->body->append(data, len);
    return len;
}

// Collects the Set-Cookie fields of the final response (an interim response's are dropped).
std::size_t read_header(char* data, std::size_t size, std::size_t n, void* userdata) {
    auto* cookies = static_cast<std::vector<std::string>*>(userdata);
    const std::size_t len = size * n;
    std::string_view line(data, len);
    if (line.rfind("HTTP/", 0) == 0) cookies->clear();
    constexpr std::string_view kName = "set-cookie:";
    if (line.size() > kName.size() && cookies->size() < 16) {
        bool match = true;
        for (std::size_t i = 0; i < kName.size() && match; ++i)
            match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
        if (match) {
            std::string_view v = line.substr(kName.size());
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
            while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
            cookies->emplace_back(v);
        }
    }
    return len;
}

std::string media_type(const char* content_type) {
    std::string out;
    if (content_type == nullptr) return out;
    for (const char* p = content_type; *p != '\0' && *p != ';'; ++p) {
        if (!std::isspace(static_cast<unsigned char>(*p)))
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*p))));
    }
    return out;
}

Failure failure_of(CURLcode rc, const char* errbuf, Lang lang) {
    std::string technical = curl_easy_strerror(rc);
    if (errbuf != nullptr && *errbuf != '\0') {
        technical += ": ";
        technical += errbuf;
    }
    switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
            return network_failure(FailureKind::timeout, lang, std::move(technical));
        case CURLE_SSL_CONNECT_ERROR:
            return network_failure(FailureKind::tls_failed, lang, std::move(technical));
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return network_failure(FailureKind::server_untrusted, lang, std::move(technical));
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL: {
            Failure f = usage_failure(lang == Lang::ja
                                          ? "--server のURLが正しくありません（https://ホスト名:ポート の形式で指定してください）。"
                                          : "The --server URL is not valid (use https://host:port).");
            f.technical = std::move(technical);
            return f;
        }
        default:
            return network_failure(FailureKind::server_unreachable, lang, std::move(technical));
    }
}

}  // namespace

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
}

ApiResult<HttpResponse> CurlTransport::post(const HttpRequest& request) {
    const Lang lang = options_.lang;
    std::unique_ptr<CURL, EasyCleanup> curl(curl_easy_init());
    if (!curl) return network_failure(FailureKind::server_unreachable, lang, "curl_easy_init failed");

    std::unique_ptr<curl_slist, SlistFree> headers;
    std::vector<std::string> fields{"Content-Type: " + request.content_type, "Accept: " + request.accept,
                                    std::string("Accept-Language: ") + (lang == Lang::ja ? "ja" : "en"),
                                    std::string("Expect:")};
    for (const std::string& h : request.headers) fields.push_back(h);
    bool appended = true;
    for (const std::string& h : fields) {
        curl_slist* next = curl_slist_append(headers.get(), h.c_str());
        if (next == nullptr) {
            appended = false;
            break;
        }
        headers.release();
        headers.reset(next);
    }
    // The fields may hold the session cookie: wiped before they go (curl keeps its own copy
    // in the list, freed with it).
    for (std::string& h : fields) OPENSSL_cleanse(h.data(), h.size());
    if (!appended) return network_failure(FailureKind::server_unreachable, lang, "curl_slist_append failed");

    HttpResponse response;
    Sink sink{&response.body, options_.max_response_bytes};
    char errbuf[CURL_ERROR_SIZE] = {};
    const std::string url = options_.base_url + request.path;
    CURL* c = curl.get();
    bool set_ok = true;
    auto set = [&set_ok](CURLcode rc) { set_ok = set_ok && rc == CURLE_OK; };
    set(curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf));
    set(curl_easy_setopt(c, CURLOPT_URL, url.c_str()));
    set(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https"));
    set(curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L));
    set(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2)));
    set(curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L));
    set(curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L));
    set(curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str()));
    // Only --ca-file is trusted: not the system's directory of CAs.
    set(curl_easy_setopt(c, CURLOPT_CAPATH, nullptr));
    set(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count())));
    set(curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.total_timeout.count())));
    set(curl_easy_setopt(c, CURLOPT_MAXFILESIZE, static_cast<long>(options_.max_response_bytes)));
    set(curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get()));
    set(curl_easy_setopt(c, CURLOPT_POST, 1L));
    set(curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data()));
    set(curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size())));
    set(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body));
    set(curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink));
    set(curl_easy_setopt(c, CURLOPT_USERAGENT, "kakuin-cert/0.1"));
    set(curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, read_header));
    set(curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.set_cookies));
    if (options_.client_certificate_pem != nullptr && options_.client_key_der != nullptr) {
        // Without a copy: curl reads them from our buffers, which outlive the transfer.
        curl_blob cert{const_cast<char*>(options_.client_certificate_pem->data()),
                       options_.client_certificate_pem->size(), CURL_BLOB_NOCOPY};
        curl_blob key{const_cast<std::uint8_t*>(options_.client_key_der->data()),
                      options_.client_key_der->size(), CURL_BLOB_NOCOPY};
        set(curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cert));
        set(curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM"));
        set(curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &key));
        set(curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "DER"));
    }
    if (!set_ok) return network_failure(FailureKind::server_unreachable, lang, "curl_easy_setopt failed");

    const CURLcode rc = curl_easy_perform(c);
    if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return network_failure(FailureKind::response_invalid, lang, "response larger than the limit");
    if (rc != CURLE_OK) return failure_of(rc, errbuf, lang);

    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    char* content_type = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type);
    response.content_type = media_type(content_type);
    return response;
}

}  // namespace kakuin::client
