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
// quoted-printable, written by libcurl's MIME API), Date (RFC 5322, at the attempt), a Message-ID
// derived from the delivery's idempotency key (stable across retries, so receivers can drop
// duplicates), Subject = the alert summary and the display names of From and To RFC 2047-encoded if
// not ASCII, Auto-Submitted: auto-generated.
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

// A message before libcurl's MIME API writes it (http/client.h HttpRequest::mail_alternatives):
// the header fields as they go on the wire, and the text of each part.
struct EmailMessage {
  std::string envelope_from;                                 // bare address for MAIL FROM
  std::vector<std::string> envelope_rcpt;                    // bare addresses for RCPT TO
  std::vector<std::pair<std::string, std::string>> headers;  // Date, From, To, Subject, ...
  std::string text;                                          // the text/plain part
  std::string html;                                          // the text/html part
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
// RFC 2047: `s` itself when it is ASCII without line breaks, else UTF-8 base64 encoded-words
// (folded lines of at most 75 characters, never splitting a character).
std::string EncodeHeaderText(std::string_view s);
// "Name <a@b>" with a non-ASCII display name encoded (EncodeHeaderText), the address kept.
std::string EncodeAddress(const std::string& s);
// The address inside "Name <a@b>", or the text itself.
std::string BareAddress(const std::string& s);

class EmailNotifier final : public GroupingNotifier {
 public:
  using GroupingNotifier::GroupingNotifier;

 private:
  boost::asio::awaitable<SendResult> Deliver(std::vector<AlertView> views, std::string text,
                                             std::string idempotency_key) override;
};

}  // namespace liqwatch::notify
