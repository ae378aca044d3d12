// `kakuin reminders run --data DIR`: one reminder pass (queue + send), for cron.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/files.h"
#include "cli/reminder_runner.h"
#include "cli/store_open.h"
#include "core/clock.h"

namespace kakuin::cli {

namespace {

Status reminders_run(const std::string& data_dir) {
    KAKUIN_TRY(Config config, load_config(std::filesystem::absolute(data_dir).string()));
    KAKUIN_TRY(auto store, open_store(config));
    SystemClock clock;
    std::unique_ptr<service::MailSender> sender;
    auto service = make_reminder_service(config, *store, clock, sender);
    KAKUIN_TRY(int queued, service->enqueue_due());
    KAKUIN_TRY(service::DeliveryCounts d, service->deliver_due());
    std::printf("queued: %d\nsent: %d\nretried: %d\nfailed: %d\ncancelled: %d\n", queued, d.sent,
                d.retried, d.failed, d.cancelled);
    if (!service->sending_enabled()) std::printf("smtp: not configured (queued only)\n");
    return {};
}

}  // namespace

int run_reminders(const std::string& data_dir) {
    Status s = reminders_run(data_dir);
    if (!s.ok()) {
        print_error(s.error());
        return 1;
    }
    return 0;
}

}  // namespace kakuin::cli
