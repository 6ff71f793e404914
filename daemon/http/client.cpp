#include "http/client.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/log.h"

namespace liqwatch::http {

namespace asio = boost::asio;

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      return v;
    }
  }
  return {};
}

namespace {
// One process-wide curl_global_init, before any handle exists.
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
void EnsureCurlGlobal() { static CurlGlobal g; }

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}
constexpr int kMaxRedirects = 5;
}  // namespace

std::string UrlHost(const std::string& url) {
  EnsureCurlGlobal();
  CURLU* u = curl_url();
  std::string host;
  char* part = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &part, 0) == CURLUE_OK) {
    host = part;
    curl_free(part);
  }
  curl_url_cleanup(u);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

bool RedirectAllowed(const std::string& from_url, const std::string& to_url,
                     const std::vector<std::string>& allowed) {
  const std::string to = UrlHost(to_url);
  if (to.empty()) return false;
  if (to == UrlHost(from_url)) return true;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) {
    return a == "*" || UrlHost("http://" + a + "/") == to;
  });
}

struct Transfer {
  // The handler is move-constructed, never assigned: Boost 1.81's any_completion_handler
  // move-assignment re-wraps the handler (copying itself without end).
  Transfer(HttpRequest r, FetchHandler h) : request(std::move(r)), handler(std::move(h)) {}
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* rcpt = nullptr;  // SMTP recipients
  curl_mime* mime = nullptr;   // SMTP message body
  HttpRequest request;
  FetchHandler handler;
  HttpResponse response;
  int redirects = 0;  // followed so far (the client follows them itself, see Finish)
  bool too_large = false;
  std::chrono::steady_clock::time_point started;
  char error[CURL_ERROR_SIZE] = {0};
};

// A socket curl opened, watched by Asio. `want` is what curl asked for (CURL_POLL_*);
// reading/writing say whether an async_wait of that kind is outstanding.
struct Socket {
  explicit Socket(asio::io_context& io, int fd) : desc(io, fd) {}
  asio::posix::stream_descriptor desc;
  int want = 0;
  bool reading = false;
  bool writing = false;
};

struct HttpClient::Impl {
  Impl(asio::io_context& io, std::string ua) : io(io), timer(io), user_agent(std::move(ua)) {
    EnsureCurlGlobal();
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  }

  ~Impl() {
    alive.reset();
    for (auto& [easy, t] : transfers) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      FreeLists(*t);
    }
    transfers.clear();
    curl_multi_cleanup(multi);
    sockets.clear();
  }

  asio::io_context& io;
  asio::steady_timer timer;
  std::string user_agent;
  CURLM* multi = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::map<int, std::unique_ptr<Socket>> sockets;
  // Handlers queued on the io_context check this before touching the Impl.
  std::shared_ptr<int> alive = std::make_shared<int>(0);

  // --- curl callbacks -----------------------------------------------------------------------

  static curl_socket_t OnOpenSocket(void* userp, curlsocktype purpose, curl_sockaddr* addr) {
    auto* self = static_cast<Impl*>(userp);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    int fd = ::socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    boost::system::error_code ec;
    auto sock = std::make_unique<Socket>(self->io, fd);
    sock->desc.non_blocking(true, ec);
    self->sockets[fd] = std::move(sock);
    return fd;
  }

  static int OnCloseSocket(void* userp, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(userp);
    auto it = self->sockets.find(fd);
    if (it == self->sockets.end()) return ::close(fd);
    boost::system::error_code ec;
    it->second->desc.cancel(ec);
    it->second->desc.close(ec);  // closes fd; pending waits complete with operation_aborted
    self->sockets.erase(it);
    return 0;
  }

  static int OnSocket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    auto it = self->sockets.find(fd);
    if (it == self->sockets.end()) return 0;
    it->second->want = what == CURL_POLL_REMOVE ? 0 : what;
    self->Arm(fd);
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    self->timer.cancel();
    if (timeout_ms < 0) return 0;
    self->timer.expires_after(std::chrono::milliseconds(timeout_ms));
    std::weak_ptr<int> alive = self->alive;
    self->timer.async_wait([self, alive](const boost::system::error_code& ec) {
      if (ec || alive.expired()) return;
      int running = 0;
      curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
      self->Drain();
    });
    return 0;
  }

  static size_t OnBody(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t bytes = size * n;
    if (t->response.body.size() + bytes > t->request.max_body_bytes) {
      t->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->response.body.append(data, bytes);
    return bytes;
  }

  static size_t OnHeader(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
      t->response.headers.clear();  // a new response (redirect or 100-continue)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' '))
          s.remove_suffix(1);
        return std::string(s);
      };
      t->response.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    return size * n;
  }

  // --- Asio side ----------------------------------------------------------------------------

  // Starts the async_waits curl wants that are not already outstanding.
  void Arm(int fd) {
    auto it = sockets.find(fd);
    if (it == sockets.end()) return;
    Socket& s = *it->second;
    if ((s.want & CURL_POLL_IN) && !s.reading) {
      s.reading = true;
      Wait(fd, asio::posix::descriptor_base::wait_read, CURL_CSELECT_IN);
    }
    if ((s.want & CURL_POLL_OUT) && !s.writing) {
      s.writing = true;
      Wait(fd, asio::posix::descriptor_base::wait_write, CURL_CSELECT_OUT);
    }
  }

  void Wait(int fd, asio::posix::descriptor_base::wait_type type, int select) {
    std::weak_ptr<int> alive = this->alive;
    sockets[fd]->desc.async_wait(
        type, [this, alive, fd, type, select](const boost::system::error_code& ec) {
          if (alive.expired()) return;
          auto it = sockets.find(fd);
          if (it == sockets.end()) return;  // closed meanwhile
          Socket& s = *it->second;
          (type == asio::posix::descriptor_base::wait_read ? s.reading : s.writing) = false;
          if (ec == asio::error::operation_aborted) return;
          int running = 0;
          curl_multi_socket_action(multi, fd, ec ? CURL_CSELECT_ERR : select, &running);
          Drain();
          Arm(fd);  // re-arm if curl still wants this direction (fd may be gone: Arm checks)
        });
  }

  // Completes finished transfers. Handlers are posted, never called from inside curl.
  void Drain() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Finish(msg->easy_handle, msg->data.result);
    }
  }

  void Finish(CURL* easy, CURLcode code) {
    auto it = transfers.find(easy);
    if (it == transfers.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers.erase(it);
    curl_multi_remove_handle(multi, easy);
    t->response.elapsed =
        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - t->started);
    // Registered secrets first (a webhook URL is one whole), then credentials in the query.
    std::string url = RedactUrl(ScrubSecrets(t->request.url));
    Result<HttpResponse> result = Status::Internal("unset");
    if (code == CURLE_OK) {
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t->response.status);
      t->response.url = t->request.url;
      char* location = nullptr;
      curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
      if (t->request.follow_redirects && IsRedirect(t->response.status) && location != nullptr) {
        std::string next(location);
        if (!RedirectAllowed(t->request.url, next, t->request.redirect_hosts)) {
          result = Status::HttpError(fmt::format(
              "{} {}: HTTP {} redirect to host '{}' refused: redirects stay on the requested "
              "host unless it is allowed (a source's redirect_hosts)",
              t->request.method, url, t->response.status, ScrubSecrets(UrlHost(next))));
        } else if (t->redirects >= kMaxRedirects) {
          result = Status::HttpError(
              fmt::format("{} {}: more than {} redirects", t->request.method, url, kMaxRedirects));
        } else {
          Redirect(std::move(t), easy, std::move(next));
          return;
        }
      } else {
        result = std::move(t->response);
      }
    } else if (t->too_large || code == CURLE_FILESIZE_EXCEEDED) {
      result = Status::TooLarge(fmt::format("{} {}: response body exceeds the {} byte limit",
                                            t->request.method, url, t->request.max_body_bytes));
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      result = Status::Timeout(fmt::format("{} {}: timed out after {}", t->request.method, url,
                                           FormatDuration(t->request.timeout)));
    } else {
      std::string detail = t->error[0] ? t->error : curl_easy_strerror(code);
      std::string method = IsMail(t->request) ? std::string("SMTP") : t->request.method;
      if (IsMail(t->request)) {
        long reply = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &reply);
        if (reply > 0) detail += fmt::format(" (SMTP reply {})", reply);
      }
      result = Status::Unavailable(ScrubSecrets(fmt::format("{} {}: {}", method, url, detail)));
    }
    curl_easy_cleanup(easy);
    FreeLists(*t);
    auto handler = std::move(t->handler);
    asio::post(io, [handler = std::move(handler), result = std::move(result)]() mutable {
      std::move(handler)(std::move(result));
    });
  }

  // Starts the same request again at `next` (a 303, or a 301/302 after a POST, becomes a GET
  // without body, as browsers and curl do).
  void Redirect(std::unique_ptr<Transfer> t, CURL* easy, std::string next) {
    curl_easy_cleanup(easy);
    FreeLists(*t);
    HttpRequest req = std::move(t->request);
    const long status = t->response.status;
    if (status == 303 || ((status == 301 || status == 302) && req.method == "POST")) {
      req.method = "GET";
      req.body.clear();
    }
    req.url = std::move(next);
    const int redirects = t->redirects + 1;
    Start(std::move(req), std::move(t->handler), redirects);
  }

  // What a transfer owns besides its easy handle, freed when it ends.
  static void FreeLists(Transfer& t) {
    curl_slist_free_all(t.headers);
    curl_slist_free_all(t.rcpt);
    curl_mime_free(t.mime);
  }

  static bool IsMail(const HttpRequest& r) {
    return r.url.rfind("smtp://", 0) == 0 || r.url.rfind("smtps://", 0) == 0;
  }

  // The message body: multipart/alternative (the Content-Type header SetMailOptions adds; curl
  // appends the boundary) of quoted-printable parts. curl's encoder needs CRLF line ends: it
  // escapes a bare LF.
  static curl_mime* MailBody(CURL* e, const HttpRequest& r) {
    curl_mime* mime = curl_mime_init(e);
    for (const auto& alt : r.mail_alternatives) {
      std::string data;
      data.reserve(alt.data.size() + alt.data.size() / 32);
      for (std::size_t i = 0; i < alt.data.size(); ++i) {
        if (alt.data[i] == '\n' && (i == 0 || alt.data[i - 1] != '\r')) data += '\r';
        data += alt.data[i];
      }
      curl_mimepart* part = curl_mime_addpart(mime);
      curl_mime_data(part, data.data(), data.size());  // copied by curl
      curl_mime_type(part, alt.content_type.c_str());
      curl_mime_encoder(part, "quoted-printable");
    }
    return mime;
  }

  // SMTP options on top of the common ones; the message's headers are the request's.
  void SetMailOptions(CURL* e, Transfer& t) {
    const HttpRequest& r = t.request;
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, r.mail_from.c_str());
    for (const auto& to : r.mail_rcpt) t.rcpt = curl_slist_append(t.rcpt, to.c_str());
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t.rcpt);
    t.mime = MailBody(e, r);
    curl_easy_setopt(e, CURLOPT_MIMEPOST, t.mime);
    t.headers = curl_slist_append(t.headers, "Content-Type: multipart/alternative");
    if (r.url.rfind("smtp://", 0) == 0) {
      long use_ssl = r.mail_tls == HttpRequest::MailTls::kRequired   ? CURLUSESSL_ALL
                     : r.mail_tls == HttpRequest::MailTls::kOptional ? CURLUSESSL_TRY
                                                                     : CURLUSESSL_NONE;
      curl_easy_setopt(e, CURLOPT_USE_SSL, use_ssl);
    }
    if (!r.username.empty()) {
      curl_easy_setopt(e, CURLOPT_USERNAME, r.username.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, r.password.c_str());
    }
    if (!r.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, r.ca_file.c_str());
  }

  void Start(HttpRequest req, FetchHandler handler, int redirects = 0) {
    auto t = std::make_unique<Transfer>(std::move(req), std::move(handler));
    t->redirects = redirects;
    t->started = std::chrono::steady_clock::now();
    CURL* e = curl_easy_init();
    t->easy = e;
    const HttpRequest& r = t->request;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // Finish follows them, host-checked
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(r.timeout.count(), 10000)));
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate/br, decoded by curl
    curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent.c_str());
    if (!r.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, r.ca_file.c_str());  // https too
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r.max_body_bytes));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::OnOpenSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &Impl::OnCloseSocket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    if (IsMail(r)) {
      SetMailOptions(e, *t);
    } else if (r.method == "POST") {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    } else if (r.method != "GET") {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    for (const auto& [k, v] : r.headers) {
      t->headers = curl_slist_append(t->headers, (k + ": " + v).c_str());
    }
    if (!r.body.empty() || r.method == "POST") {
      t->headers = curl_slist_append(t->headers, "Expect:");  // no 100-continue round trip
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);  // an SMTP message's header fields
    transfers[e] = std::move(t);
    CURLMcode mc = curl_multi_add_handle(multi, e);
    if (mc != CURLM_OK) {
      transfers[e]->error[0] = 0;
      Finish(e, CURLE_FAILED_INIT);
    }
  }

  void CancelAll() {
    std::vector<CURL*> easies;
    for (auto& [e, t] : transfers) easies.push_back(e);
    for (CURL* e : easies) {
      std::snprintf(transfers[e]->error, CURL_ERROR_SIZE, "cancelled");
      Finish(e, CURLE_ABORTED_BY_CALLBACK);
    }
  }
};

HttpClient::HttpClient(asio::io_context& io, std::string user_agent)
    : impl_(std::make_unique<Impl>(io, std::move(user_agent))) {}
HttpClient::~HttpClient() = default;
void HttpClient::Start(HttpRequest request, FetchHandler handler) {
  impl_->Start(std::move(request), std::move(handler));
}
void HttpClient::Cancel() { impl_->CancelAll(); }
std::size_t HttpClient::in_flight() const { return impl_->transfers.size(); }

}  // namespace liqwatch::http
