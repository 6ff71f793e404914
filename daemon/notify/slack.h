// Slack incoming-webhook notifier: Block Kit messages.
//
// Contract: POSTs SlackPayload() as JSON to the incoming-webhook URL (a secret: never logged;
// errors name the notifier only). Slack answers 200 "ok"; 400/403/404/410 (invalid_payload,
// no_service, channel_is_archived, ...) are permanent, 429 and 5xx retryable (notifier.h).
//
// The message shows severity, rule, value against threshold with units, the observation date,
// the rule's description and a link to the series' source page; a resolved event gets its own
// header. It stays within Slack's limits: at most 50 blocks, header text <= 150 characters,
// section text <= 3000, field text <= 2000, at most 10 fields (longer text is truncated with
// an ellipsis on a UTF-8 boundary; extra alerts of a group are summarised in a last block).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "http/client.h"
#include "notify/context.h"
#include "notify/notifier.h"

namespace liqwatch::notify {

inline constexpr std::size_t kSlackMaxBlocks = 50;
inline constexpr std::size_t kSlackMaxSectionText = 3000;
inline constexpr std::size_t kSlackMaxHeaderText = 150;
inline constexpr std::size_t kSlackMaxFieldText = 2000;

// `text` (a rendered template) replaces the default section text when non-empty.
std::string SlackPayload(const std::vector<AlertView>& alerts, const std::string& text = "");
// At most `max_bytes` bytes of `s`, cut on a UTF-8 character boundary, "…" appended if cut.
std::string TruncateUtf8(const std::string& s, std::size_t max_bytes);
// Escapes &, < and > for Slack mrkdwn.
std::string SlackEscape(const std::string& s);

class SlackNotifier final : public GroupingNotifier {
 public:
  using GroupingNotifier::GroupingNotifier;

 private:
  boost::asio::awaitable<SendResult> Deliver(std::vector<AlertView> views, std::string text,
                                             std::string idempotency_key) override;
};

}  // namespace liqwatch::notify
