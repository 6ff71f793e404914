#include "store/event_key.h"

#include <algorithm>

#include <openssl/sha.h>

namespace liqwatch::store {

namespace {

// Length-prefixed, so no choice of field contents can make two events encode alike.
void Field(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
  out += ';';
}

}  // namespace

std::string EventKey(const Transition& t, int revision) {
  Labels labels = SplitLabels(t.labels);
  std::sort(labels.begin(), labels.end());
  std::string text;
  Field(text, "liqwatch-event-v1");
  Field(text, t.rule);
  Field(text, JoinLabels(labels));
  Field(text, t.kind);
  Field(text, AlertStateName(t.from));
  Field(text, AlertStateName(t.to));
  Field(text, t.series);
  Field(text, FormatDate(t.obs_date));
  Field(text, std::to_string(revision));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace liqwatch::store
