// Email notifier: one message per delivery over SMTP, sent through libcurl on the event loop
// (the HttpClient's multi handle, http/client.h), never on a thread of its own.
//
// Contract: Send() builds BuildEmail() and submits it to the configured smtp:// (STARTTLS
// required, optional or off) or smtps:// (implicit TLS) server with AUTH when a username is
// set, to every recipient. Accepted (250) = delivered. SMTP 5xx replies and authentication or
// TLS failures are permanent; 4xx replies, timeouts and connection errors retryable. Errors
// name the notifier and server (credentials are never part of them).
//
// The message: multipart/alternative with a text/plain and a text/html part (UTF-8,
// quoted-printable), Date (RFC 5322, at the attempt), a Message-ID derived from the
// delivery's idempotency key (stable across retries, so receivers can drop duplicates),
// Subject = the alert summary (RFC 2047-encoded if not ASCII), Auto-Submitted: auto-generated.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/time.h"
#include "http/client.h"
#include "notify/context.h"
#include "notify/notifier.h"

namespace liqwatch::notify {

struct EmailMessage {
  std::string envelope_from;               // bare address for MAIL FROM
  std::vector<std::string> envelope_rcpt;  // bare addresses for RCPT TO
  std::string data;                        // the RFC 5322 message, CRLF line ends
};

// `text` (a rendered template) replaces the default plain-text body when non-empty.
EmailMessage BuildEmail(const config::NotifierConfig& n, const AlertView& v, TimePoint now,
                        const std::string& text = "");
// One message for several alerts (grouping): Subject "[liqwatch] N alerts: r1, r2, ...", one
// section per alert in each part; Message-ID from the first alert's idempotency key.
EmailMessage BuildGroupEmail(const config::NotifierConfig& n, const std::vector<AlertView>& views,
                             TimePoint now);
// "Tue, 28 Oct 2025 14:03:07 +0000"
std::string Rfc5322Date(TimePoint t);
std::string QuotedPrintable(std::string_view s);
// The address inside "Name <a@b>", or the text itself.
std::string BareAddress(const std::string& s);

class EmailNotifier final : public ConfiguredNotifier {
 public:
  using ConfiguredNotifier::ConfiguredNotifier;
  boost::asio::awaitable<SendResult> Send(const store::DeliveryJob& job) override;
  Duration group_wait() const override { return config_.group_wait; }
  bool sends_groups() const override { return true; }
  boost::asio::awaitable<SendResult> SendGroup(
      const std::vector<store::DeliveryJob>& jobs) override;

 private:
  boost::asio::awaitable<SendResult> Submit(EmailMessage msg);
};

}  // namespace liqwatch::notify
