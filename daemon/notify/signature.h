// Webhook signing: HMAC-SHA256 over "<timestamp>.<body>" (docs/webhook.md).
//
// Contract: pure functions, thread-safe. HmacSha256Hex returns the lowercase hex digest (64
// characters). WebhookSignature returns the value of the X-Liqwatch-Signature header,
// "v1=<hex>", for a unix-seconds timestamp and the exact body bytes sent. The key is never
// logged or returned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace liqwatch::notify {

std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string WebhookSignature(std::string_view key, int64_t unix_seconds, std::string_view body);

}  // namespace liqwatch::notify
