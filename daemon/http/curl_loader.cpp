// libcurl, loaded when first used rather than at process start.
//
// Contract: this file defines the libcurl functions the client calls (client.cpp, unchanged),
// each forwarding to the same function of libcurl.so.4, which is dlopen()ed on the first call.
// So only commands that make a request (run, fetch, notify-test, silence with an
// Alertmanager) load libcurl and the ~30 libraries it pulls in (TLS, Kerberos, LDAP, ...);
// `liqwatch alerts`, `status`, `series`, ... start without them (README "Performance": about
// 6 MB of RSS and several ms of start-up). If libcurl cannot be loaded the process exits
// with status 1 and says why (the package depends on libcurl4).
//
// The variadic setters take exactly one argument after the option, whose type the option
// number says (curl.h CURLOPTTYPE_*); it is forwarded as that type, as libcurl reads it.
// curl.h's GCC type-check macros would rewrite the definitions below.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace {

void* Lib() {
  static void* lib = [] {
    // GnuTLS comes in with libcurl's LDAP and RTMP support, which liqwatch never uses (its
    // protocols are http, https and smtp): without this its load-time initialisation costs
    // ~0.8 MB of RSS. Those libraries initialise GnuTLS themselves when they need it.
    setenv("GNUTLS_NO_IMPLICIT_INIT", "1", /*overwrite=*/0);
    void* h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      std::fprintf(stderr, "liqwatch: cannot load libcurl (libcurl.so.4): %s\n", dlerror());
      std::exit(1);
    }
    return h;
  }();
  return lib;
}

template <typename Fn>
Fn Sym(const char* name) {
  void* p = dlsym(Lib(), name);
  if (p == nullptr) {
    std::fprintf(stderr, "liqwatch: libcurl.so.4 has no %s (too old?)\n", name);
    std::exit(1);
  }
  return reinterpret_cast<Fn>(p);
}

// The real function `name`, resolved once.
#define LW_CURL(name) static const auto real = Sym<decltype(&::name)>(#name)

// One argument of an option numbered `option` (CURLOPTTYPE_* ranges, shared by CURLMoption).
template <typename Real, typename Handle, typename Option>
auto ForwardOne(Real real, Handle h, Option option, va_list ap) {
  const long kind = static_cast<long>(option) / 10000 * 10000;
  if (kind == CURLOPTTYPE_LONG) return real(h, option, va_arg(ap, long));
  if (kind == CURLOPTTYPE_OFF_T) return real(h, option, va_arg(ap, curl_off_t));
  if (kind == CURLOPTTYPE_FUNCTIONPOINT) return real(h, option, va_arg(ap, void (*)()));
  return real(h, option, va_arg(ap, void*));  // object pointers, strings, slists, blobs
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  LW_CURL(curl_global_init);
  return real(flags);
}
void curl_global_cleanup(void) {
  LW_CURL(curl_global_cleanup);
  real();
}
void curl_free(void* p) {
  LW_CURL(curl_free);
  real(p);
}
const char* curl_easy_strerror(CURLcode code) {
  LW_CURL(curl_easy_strerror);
  return real(code);
}

CURLU* curl_url(void) {
  LW_CURL(curl_url);
  return real();
}
void curl_url_cleanup(CURLU* u) {
  LW_CURL(curl_url_cleanup);
  real(u);
}
CURLUcode curl_url_set(CURLU* u, CURLUPart what, const char* part, unsigned int flags) {
  LW_CURL(curl_url_set);
  return real(u, what, part, flags);
}
CURLUcode curl_url_get(CURLU* u, CURLUPart what, char** part, unsigned int flags) {
  LW_CURL(curl_url_get);
  return real(u, what, part, flags);
}

struct curl_slist* curl_slist_append(struct curl_slist* list, const char* s) {
  LW_CURL(curl_slist_append);
  return real(list, s);
}
void curl_slist_free_all(struct curl_slist* list) {
  LW_CURL(curl_slist_free_all);
  real(list);
}

CURL* curl_easy_init(void) {
  LW_CURL(curl_easy_init);
  return real();
}
void curl_easy_cleanup(CURL* e) {
  LW_CURL(curl_easy_cleanup);
  real(e);
}
// curl.h declares the setopt/getinfo functions with an enum before the `...`; clang warns that
// va_start after an enum parameter is undefined. The enums are int-sized, so promotion leaves them
// unchanged on every ABI we build for, and the signatures must stay exactly curl's.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wvarargs"
#endif
CURLcode curl_easy_setopt(CURL* e, CURLoption option, ...) {
  LW_CURL(curl_easy_setopt);
  va_list ap;
  va_start(ap, option);
  CURLcode rc = ForwardOne(real, e, option, ap);
  va_end(ap);
  return rc;
}
CURLcode curl_easy_getinfo(CURL* e, CURLINFO info, ...) {
  LW_CURL(curl_easy_getinfo);
  va_list ap;
  va_start(ap, info);
  CURLcode rc = real(e, info, va_arg(ap, void*));  // always a pointer to the result
  va_end(ap);
  return rc;
}

CURLM* curl_multi_init(void) {
  LW_CURL(curl_multi_init);
  return real();
}
CURLMcode curl_multi_cleanup(CURLM* m) {
  LW_CURL(curl_multi_cleanup);
  return real(m);
}
CURLMcode curl_multi_setopt(CURLM* m, CURLMoption option, ...) {
  LW_CURL(curl_multi_setopt);
  va_list ap;
  va_start(ap, option);
  CURLMcode rc = ForwardOne(real, m, option, ap);
  va_end(ap);
  return rc;
}
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
CURLMcode curl_multi_add_handle(CURLM* m, CURL* e) {
  LW_CURL(curl_multi_add_handle);
  return real(m, e);
}
CURLMcode curl_multi_remove_handle(CURLM* m, CURL* e) {
  LW_CURL(curl_multi_remove_handle);
  return real(m, e);
}
CURLMcode curl_multi_socket_action(CURLM* m, curl_socket_t s, int ev_bitmask,
                                   int* running_handles) {
  LW_CURL(curl_multi_socket_action);
  return real(m, s, ev_bitmask, running_handles);
}
CURLMsg* curl_multi_info_read(CURLM* m, int* msgs_in_queue) {
  LW_CURL(curl_multi_info_read);
  return real(m, msgs_in_queue);
}

// MIME (the SMTP message body, client.cpp MailBody).
curl_mime* curl_mime_init(CURL* e) {
  LW_CURL(curl_mime_init);
  return real(e);
}
void curl_mime_free(curl_mime* mime) {
  LW_CURL(curl_mime_free);
  real(mime);
}
curl_mimepart* curl_mime_addpart(curl_mime* mime) {
  LW_CURL(curl_mime_addpart);
  return real(mime);
}
CURLcode curl_mime_data(curl_mimepart* part, const char* data, size_t datasize) {
  LW_CURL(curl_mime_data);
  return real(part, data, datasize);
}
CURLcode curl_mime_type(curl_mimepart* part, const char* mimetype) {
  LW_CURL(curl_mime_type);
  return real(part, mimetype);
}
CURLcode curl_mime_encoder(curl_mimepart* part, const char* encoding) {
  LW_CURL(curl_mime_encoder);
  return real(part, encoding);
}

char* curl_easy_escape(CURL* e, const char* s, int length) {
  LW_CURL(curl_easy_escape);
  return real(e, s, length);
}

}  // extern "C"
