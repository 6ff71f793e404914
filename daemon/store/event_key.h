// Event identity: a key derived from what an alert event is, not from where or when it was
// computed.
//
// Contract: EventKey() is a pure function. It hashes (SHA-256, first 16 bytes as 32 lowercase
// hex digits) a versioned, length-prefixed encoding of: the rule, its instance labels sorted by
// name, the transition (kind, from state, to state), and the observation that caused it
// (series, observation date, revision: how many times that date's value had been revised when
// the event was recorded). Database ids, evaluation times, values and node names are left
// out, so two liqwatch nodes fed the same prints, or one node replaying after a restart,
// agree on the key. It is the Idempotency-Key of every delivery of the event (docs/webhook.md).
#pragma once

#include <string>

#include "store/store.h"

namespace liqwatch::store {

std::string EventKey(const Transition& t, int revision);

}  // namespace liqwatch::store
