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

std::string QuotedPrintable(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  std::size_t line = 0;
  auto emit = [&](const std::string& piece) {
    if (line + piece.size() > 75) {  // soft line break keeps lines <= 76
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\r\n";
      line = 0;
      continue;
    }
    bool at_line_end = i + 1 == s.size() || s[i + 1] == '\n' || s[i + 1] == '\r';
    bool plain = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    // A leading '.' is left to curl's SMTP dot-stuffing.
    if (plain)
      emit(std::string(1, static_cast<char>(c)));
    else
      emit(std::string{'=', kHex[c >> 4], kHex[c & 0xf]});
  }
  return out;
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

// RFC 2047 for a header value that is not plain ASCII (base64 encoded-words).
std::string EncodeHeader(std::string_view s) {
  if (IsAscii(s)) return std::string(s);
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  // Chunks of up to 45 bytes on UTF-8 boundaries, each its own encoded-word.
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t end = std::min(s.size(), i + 45);
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
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + b64 + "?=";
    i = end;
  }
  return out;
}

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
                     std::string subject, const std::string& text, const std::string& html,
                     TimePoint now) {
  EmailMessage m;
  m.envelope_from = BareAddress(n.email.from);
  for (const auto& to : n.email.to) m.envelope_rcpt.push_back(BareAddress(to));
  std::string boundary = "=_liqwatch_" + key;
  if (subject.size() > 900) subject = subject.substr(0, 900);
  std::string to_header;
  for (const auto& to : n.email.to) to_header += (to_header.empty() ? "" : ", ") + to;
  std::string& d = m.data;
  d += "Date: " + Rfc5322Date(now) + "\r\n";
  d += "From: " + EncodeHeader(n.email.from) + "\r\n";
  d += "To: " + to_header + "\r\n";
  d += "Subject: " + EncodeHeader(subject) + "\r\n";
  d += fmt::format("Message-ID: <{}.liqwatch@{}>\r\n", key, Domain(m.envelope_from));
  d += "MIME-Version: 1.0\r\n";
  d += "Auto-Submitted: auto-generated\r\n";
  d += fmt::format("X-Liqwatch-Event-Id: {}\r\n", event_id);
  d += "X-Liqwatch-Idempotency-Key: " + key + "\r\n";
  d += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  d += "\r\nThis is a multi-part message in MIME format.\r\n";
  d += "\r\n--" + boundary + "\r\n";
  d += "Content-Type: text/plain; charset=utf-8\r\n";
  d += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  d += QuotedPrintable(text) + "\r\n";
  d += "\r\n--" + boundary + "\r\n";
  d += "Content-Type: text/html; charset=utf-8\r\n";
  d += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  d += QuotedPrintable(html) + "\r\n";
  d += "\r\n--" + boundary + "--\r\n";
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

boost::asio::awaitable<SendResult> EmailNotifier::Send(const store::DeliveryJob& job) {
  AlertView view = MakeView(job, *catalog_);
  std::string text;
  if (!config_.message_template.empty())
    text = RenderTemplate(config_.message_template, Placeholders(view));
  EmailMessage msg = BuildEmail(config_, view, clock_.Now(), text);
  auto submit = Submit(std::move(msg));
  SendResult r = co_await std::move(submit);
  co_return r;
}

boost::asio::awaitable<SendResult> EmailNotifier::SendGroup(
    const std::vector<store::DeliveryJob>& jobs) {
  std::vector<AlertView> views;
  for (const auto& j : jobs) views.push_back(MakeView(j, *catalog_));
  EmailMessage msg = BuildGroupEmail(config_, views, clock_.Now());
  auto submit = Submit(std::move(msg));
  SendResult r = co_await std::move(submit);
  co_return r;
}

boost::asio::awaitable<SendResult> EmailNotifier::Submit(EmailMessage msg) {
  http::HttpRequest req;
  req.url = config_.url;
  req.method = "SMTP";
  req.timeout = config_.timeout;
  req.body = std::move(msg.data);
  req.mail_from = msg.envelope_from;
  req.mail_rcpt = msg.envelope_rcpt;
  req.mail_tls = config_.email.starttls == "off"        ? http::HttpRequest::MailTls::kOff
                 : config_.email.starttls == "optional" ? http::HttpRequest::MailTls::kOptional
                                                        : http::HttpRequest::MailTls::kRequired;
  req.username = config_.email.username.value_or("");
  req.password = config_.email.password.value_or("");
  req.ca_file = config_.email.ca_file;
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
