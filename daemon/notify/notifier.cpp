#include "notify/notifier.h"

#include "notify/template.h"

namespace liqwatch::notify {

boost::asio::awaitable<SendResult> GroupingNotifier::Send(const store::DeliveryJob& job) {
  std::vector<AlertView> views{MakeView(job, *catalog_)};
  std::string text;
  if (!config_.message_template.empty())
    text = RenderTemplate(config_.message_template, Placeholders(views[0]));
  auto deliver = Deliver(std::move(views), std::move(text), job.idempotency_key);
  SendResult r = co_await std::move(deliver);
  co_return r;
}

boost::asio::awaitable<SendResult> GroupingNotifier::SendGroup(
    const std::vector<store::DeliveryJob>& jobs) {
  std::vector<AlertView> views;
  for (const auto& j : jobs) views.push_back(MakeView(j, *catalog_));
  auto deliver = Deliver(std::move(views), "", jobs.front().idempotency_key);
  SendResult r = co_await std::move(deliver);
  co_return r;
}

}  // namespace liqwatch::notify
