#include "notify/email.h"

#include <chrono>
#include <ctime>
#include <regex>

#include <fmt/format.h>
#include <boost/asio/use_awaitable.hpp>

#include "notify/template.h"

namespace liqwatch::notify {

std::string Rfc5322Date(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} +0000", kDays[tm.tm_wday],
                     tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec);
}

std::string BareAddress(const std::string& s) {
  auto lt = s.find('<');
  auto gt = s.find('>', lt == std::string::npos ? 0 : lt);
  if (lt != std::string::npos && gt != std::string::npos) return s.substr(lt + 1, gt - lt - 1);
  return s;
}

namespace {

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n') return false;
  return true;
}

}  // namespace

// Kept by hand: libcurl writes header fields as given (curl_mime_headers, CURLOPT_HTTPHEADER)
// and has no RFC 2047 encoder, so a non-ASCII Subject or display name would go out as raw
// 8-bit bytes, which a receiver may reject or show garbled (notify_test Email.HeaderEncoding).
std::string EncodeHeaderText(std::string_view s) {
  if (IsAscii(s)) return std::string(s);
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  // Chunks of up to 39 bytes on UTF-8 boundaries, each its own encoded-word of at most 64
  // characters: with "Subject: " in front, the first line still fits 78.
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t end = std::min(s.size(), i + 39);
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    std::string_view chunk = s.substr(i, end - i);
    std::string b64;
    for (std::size_t j = 0; j < chunk.size(); j += 3) {
      uint32_t v = static_cast<unsigned char>(chunk[j]) << 16;
      if (j + 1 < chunk.size()) v |= static_cast<unsigned char>(chunk[j + 1]) << 8;
      if (j + 2 < chunk.size()) v |= static_cast<unsigned char>(chunk[j + 2]);
      b64 += kB64[(v >> 18) & 63];
      b64 += kB64[(v >> 12) & 63];
      b64 += j + 1 < chunk.size() ? kB64[(v >> 6) & 63] : '=';
      b64 += j + 2 < chunk.size() ? kB64[v & 63] : '=';
    }
    if (!out.empty()) out += "\r\n ";  // folded: each line stays short
    out += "=?UTF-8?B?" + b64 + "?=";
    i = end;
  }
  return out;
}

std::string EncodeAddress(const std::string& s) {
  auto lt = s.rfind('<');
  if (lt == std::string::npos || IsAscii(s)) return s;
  std::string_view name = std::string_view(s).substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
    name = name.substr(1, name.size() - 2);
  // Only the display name is encoded: an encoded-word may not hold the address itself.
  return EncodeHeaderText(name) + " " + s.substr(lt);
}

namespace {

std::string HtmlEscape(const std::string& s) { return EscapeMarkup(s, true); }

// "liqwatch, event 12, alert 3": the same last line in both parts.
std::string Footer(const AlertView& v) {
  return fmt::format("liqwatch, event {}{}", v.event_id,
                     v.alert_id ? fmt::format(", alert {}", *v.alert_id) : "");
}

std::string PlainBody(const AlertView& v) {
  std::string out = v.Summary() + "\n\n";
  if (!v.description.empty()) out += v.description + "\n\n";
  if (const std::string observed = v.Observed(); !observed.empty()) out += observed + "\n\n";
  out += fmt::format("Rule:             {}\nSeverity:         {}\nState:            {}\n", v.rule,
                     v.severity, v.kind);
  out += fmt::format("Series:           {}\nValue:            {}\n", v.series_name, v.value_text);
  if (!v.threshold_text.empty()) out += fmt::format("Threshold:        {}\n", v.threshold_text);
  out += fmt::format("Observation date: {}\nEvaluated at:     {}\n", v.obs_date, v.event_time);
  if (!v.link.empty()) out += fmt::format("Source:           {}\n", v.link);
  if (!v.dashboard_link.empty()) out += fmt::format("Details, silence: {}\n", v.dashboard_link);
  if (!v.chart_link.empty()) out += fmt::format("Chart:            {}\n", v.chart_link);
  out += "\n-- \n" + Footer(v) + "\n";
  return out;
}

std::string HtmlSection(const AlertView& v, const std::string& text) {
  std::string color = v.resolved()               ? "#2e7d32"
                      : v.severity == "critical" ? "#c62828"
                      : v.severity == "warning"  ? "#ef6c00"
                                                 : "#1565c0";
  auto row = [](const std::string& k, const std::string& val) {
    return fmt::format(
        "<tr><th align=\"left\" style=\"padding:2px 12px 2px 0\">{}</th>"
        "<td>{}</td></tr>\n",
        k, val);
  };
  std::string out = fmt::format("<h2 style=\"color:{}\">{}</h2>\n", color, HtmlEscape(v.Summary()));
  if (!text.empty()) {
    out += "<pre>" + HtmlEscape(text) + "</pre>\n";
  } else {
    if (!v.description.empty()) out += "<p><b>" + HtmlEscape(v.description) + "</b></p>\n";
    if (const std::string observed = v.Observed(); !observed.empty())
      out += "<p>" + HtmlEscape(observed) + "</p>\n";
  }
  out += "<table>\n";
  out += row("Rule", HtmlEscape(v.rule));
  out += row("Severity", HtmlEscape(v.severity));
  out += row("State", HtmlEscape(v.kind));
  std::string series = HtmlEscape(v.series_name);
  if (!v.link.empty()) series = fmt::format("<a href=\"{}\">{}</a>", HtmlEscape(v.link), series);
  out += row("Series", series);
  out += row("Value", HtmlEscape(v.value_text));
  if (!v.threshold_text.empty()) out += row("Threshold", HtmlEscape(v.threshold_text));
  auto anchor = [](const std::string& url, const char* label) {
    return fmt::format("<a href=\"{}\">{}</a>", HtmlEscape(url), label);
  };
  if (!v.dashboard_link.empty())
    out +=
        row("Dashboard", anchor(v.dashboard_link, "details, silence") +
                             (v.chart_link.empty() ? "" : " · " + anchor(v.chart_link, "chart")));
  out += row("Observation date", HtmlEscape(v.obs_date));
  out += row("Evaluated at", HtmlEscape(v.event_time));
  out += "</table>\n";
  out += "<p style=\"color:#777\">" + HtmlEscape(Footer(v)) + "</p>\n";
  return out;
}

std::string HtmlPage(const std::string& sections) {
  return "<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif\">\n" + sections +
         "</body></html>\n";
}

std::string HtmlBody(const AlertView& v, const std::string& text) {
  return HtmlPage(HtmlSection(v, text));
}

std::string Domain(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? std::string("liqwatch.invalid") : address.substr(at + 1);
}

}  // namespace

namespace {

EmailMessage Compose(const config::NotifierConfig& n, const std::string& key, int64_t event_id,
                     std::string subject, std::string text, std::string html, TimePoint now) {
  EmailMessage m;
  m.envelope_from = BareAddress(n.email.from);
  for (const auto& to : n.email.to) m.envelope_rcpt.push_back(BareAddress(to));
  if (subject.size() > 900) subject = subject.substr(0, 900);
  std::string to_header;
  for (const auto& to : n.email.to)
    to_header += (to_header.empty() ? "" : ", ") + EncodeAddress(to);
  m.headers = {
      {"Date", Rfc5322Date(now)},
      {"From", EncodeAddress(n.email.from)},
      {"To", to_header},
      {"Subject", EncodeHeaderText(subject)},
      {"Message-ID", fmt::format("<{}.liqwatch@{}>", key, Domain(m.envelope_from))},
      {"Auto-Submitted", "auto-generated"},
      {"X-Liqwatch-Event-Id", std::to_string(event_id)},
      {"X-Liqwatch-Idempotency-Key", key},
  };
  m.text = std::move(text);
  m.html = std::move(html);
  return m;
}

}  // namespace

EmailMessage BuildEmail(const config::NotifierConfig& n, const AlertView& v, TimePoint now,
                        const std::string& text) {
  return Compose(n, v.idempotency_key, v.event_id, v.Summary(),
                 text.empty() ? PlainBody(v) : text + "\n", HtmlBody(v, text), now);
}

EmailMessage BuildGroupEmail(const config::NotifierConfig& n, const std::vector<AlertView>& views,
                             TimePoint now) {
  std::string rules;
  for (const auto& v : views) rules += (rules.empty() ? "" : ", ") + v.rule;
  std::string subject = fmt::format("[liqwatch] {} alerts: {}", views.size(), rules);
  std::string text, html;
  for (const auto& v : views) {
    text += PlainBody(v) + "\n";
    html += HtmlSection(v, "") + "<hr>\n";
  }
  return Compose(n, views.front().idempotency_key, views.front().event_id, subject, text,
                 HtmlPage(html), now);
}

namespace {

// The SMTP transfer of `msg`: libcurl writes the MIME body from the parts (http/client.h).
http::HttpRequest SmtpRequest(const config::NotifierConfig& n, EmailMessage msg) {
  http::HttpRequest req;
  req.url = n.url;
  req.method = "SMTP";
  req.timeout = n.timeout;
  req.headers = std::move(msg.headers);
  req.mail_alternatives = {{"text/plain; charset=utf-8", std::move(msg.text)},
                           {"text/html; charset=utf-8", std::move(msg.html)}};
  req.mail_from = std::move(msg.envelope_from);
  req.mail_rcpt = std::move(msg.envelope_rcpt);
  req.mail_tls = n.email.starttls == "off"        ? http::HttpRequest::MailTls::kOff
                 : n.email.starttls == "optional" ? http::HttpRequest::MailTls::kOptional
                                                  : http::HttpRequest::MailTls::kRequired;
  req.username = n.email.username.value_or("");
  req.password = n.email.password.value_or("");
  req.ca_file = n.email.ca_file;
  return req;
}

}  // namespace

// The Message-ID comes from the first view's key, which is `idempotency_key`.
boost::asio::awaitable<SendResult> EmailNotifier::Deliver(std::vector<AlertView> views,
                                                          std::string text, std::string) {
  const http::HttpRequest req =
      SmtpRequest(config_, views.size() == 1 ? BuildEmail(config_, views[0], clock_.Now(), text)
                                             : BuildGroupEmail(config_, views, clock_.Now()));
  auto r = co_await http_.AsyncFetch(req, boost::asio::use_awaitable);
  const std::string what = "email " + config_.name;
  if (!r.ok()) {
    const std::string& m = r.status().message();
    static const std::regex kReply(R"(\(SMTP reply (\d)\d\d\))");
    std::smatch match;
    bool permanent = false;
    if (std::regex_search(m, match, kReply)) permanent = match[1] == "5";
    // Wrong credentials or a server without the TLS we require will not fix themselves.
    if (m.find("Login denied") != std::string::npos ||
        m.find("Requested SSL level failed") != std::string::npos)
      permanent = true;
    co_return SendResult{
        permanent ? SendResult::Outcome::kPermanent : SendResult::Outcome::kRetryable,
        fmt::format("{}: {}", what, m),
        {}};
  }
  if (r->status >= 200 && r->status < 300) co_return SendResult{};
  co_return SendResult{
      r->status >= 500 ? SendResult::Outcome::kPermanent : SendResult::Outcome::kRetryable,
      fmt::format("SMTP reply {} from {}", r->status, what),
      {}};
}

}  // namespace liqwatch::notify
