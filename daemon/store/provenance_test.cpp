// One series fed by two sources (a primary and a fallback): the merge rule of
// Store::IngestObservations, on a real SQLite file.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/test_fixture.h"

namespace liqwatch::store {
namespace {

Date D(const char* s) { return *ParseDate(s); }
TimePoint T(const char* s) { return *ParseTime(s); }

class ProvenanceTest : public StoreTestBase {
 protected:
  IngestStats Ingest(const char* date, double value, const Provenance& from, const char* at) {
    auto stats = store_->IngestObservations("sofr", Unit::kPercent,
                                            {{"sofr", D(date), value, false}}, T(at), from);
    EXPECT_TRUE(stats.ok()) << stats.status().message();
    return stats.ok() ? *stats : IngestStats{};
  }
  std::string Stored(const char* date) {  // "value source"
    auto h = store_->History("sofr", D(date));
    if (!h.ok() || h->empty() || h->front().date != D(date)) return "none";
    return fmt::format("{} {}", h->front().value.value_or(-1), h->front().source);
  }
  const Provenance nyfed_{"nyfed", false};
  const Provenance fred_{"fred", true};
};

TEST_F(ProvenanceTest, AFallbackPrintForADateThePrimaryDeliveredIsNotANewPrint) {
  EXPECT_EQ(Ingest("2025-10-28", 4.31, nyfed_, "2025-10-29T12:00:00Z").changed.size(), 1u);
  auto same = Ingest("2025-10-28", 4.31, fred_, "2025-10-29T14:00:00Z");
  EXPECT_TRUE(same.changed.empty());
  EXPECT_EQ(same.not_used, 1);
  EXPECT_EQ(Stored("2025-10-28"), "4.31 nyfed");
  EXPECT_TRUE(store_->Disagreements("sofr")->empty());
  // A different value: the primary's is kept, the disagreement recorded once.
  auto differs = Ingest("2025-10-28", 4.32, fred_, "2025-10-29T14:00:00Z");
  EXPECT_TRUE(differs.changed.empty());
  EXPECT_EQ(Stored("2025-10-28"), "4.31 nyfed");
  Ingest("2025-10-28", 4.32, fred_, "2025-10-29T15:00:00Z");  // polled again: not twice
  auto d = store_->Disagreements("sofr");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].source, "fred");
  EXPECT_EQ((*d)[0].value, 4.32);
  EXPECT_EQ((*d)[0].kept_source, "nyfed");
  EXPECT_EQ((*d)[0].kept_value, 4.31);
  EXPECT_EQ((*d)[0].seen_at, T("2025-10-29T14:00:00Z"));
  EXPECT_TRUE(store_->Revisions("sofr")->empty());
}

TEST_F(ProvenanceTest, AFallbackPrintForADateThePrimaryMissedIsStoredAndThePrimaryTakesItOver) {
  // The NY Fed is down: FRED's print is the series' print for the date.
  auto first = Ingest("2025-10-28", 4.31, fred_, "2025-10-29T14:00:00Z");
  ASSERT_EQ(first.changed.size(), 1u);
  EXPECT_EQ(Stored("2025-10-28"), "4.31 fred");
  // The NY Fed comes back with the same print: nothing changes but the provenance.
  auto confirmed = Ingest("2025-10-28", 4.31, nyfed_, "2025-10-29T16:00:00Z");
  EXPECT_TRUE(confirmed.changed.empty());
  EXPECT_EQ(confirmed.unchanged, 1);
  EXPECT_EQ(Stored("2025-10-28"), "4.31 nyfed");
  // FRED's next poll of the same print is still nothing new.
  EXPECT_TRUE(Ingest("2025-10-28", 4.31, fred_, "2025-10-29T17:00:00Z").changed.empty());
  EXPECT_TRUE(store_->Revisions("sofr")->empty());
  EXPECT_TRUE(store_->Disagreements("sofr")->empty());
}

TEST_F(ProvenanceTest, APrimaryPrintThatDiffersFromTheFallbacksIsARevision) {
  Ingest("2025-10-28", 4.30, fred_, "2025-10-29T14:00:00Z");
  auto revised = Ingest("2025-10-28", 4.31, nyfed_, "2025-10-29T16:00:00Z");
  ASSERT_EQ(revised.changed.size(), 1u);
  EXPECT_EQ(revised.revised, 1);
  EXPECT_EQ(Stored("2025-10-28"), "4.31 nyfed");
  auto rev = store_->Revisions("sofr");
  ASSERT_EQ(rev->size(), 1u);
  EXPECT_EQ((*rev)[0].old_value, 4.30);
  EXPECT_EQ((*rev)[0].new_value, 4.31);
  // The fallback revising its own print (nothing from the primary for the date) is a revision.
  Ingest("2025-10-27", 4.20, fred_, "2025-10-29T14:00:00Z");
  EXPECT_EQ(Ingest("2025-10-27", 4.21, fred_, "2025-10-29T15:00:00Z").revised, 1);
  EXPECT_EQ(Stored("2025-10-27"), "4.21 fred");
}

TEST_F(ProvenanceTest, BackfillFromTheFallbackFillsOnlyTheDatesThePrimaryLacks) {
  Ingest("2025-10-28", 4.31, nyfed_, "2025-10-29T12:00:00Z");
  std::vector<Observation> history{{"sofr", D("2025-10-24"), 4.29, false},
                                   {"sofr", D("2025-10-27"), 4.20, false},
                                   {"sofr", D("2025-10-28"), 4.31, false}};
  auto stats =
      store_->IngestObservations("sofr", Unit::kPercent, history, T("2025-10-29T14:00:00Z"), fred_);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->inserted, 2);
  EXPECT_EQ(stats->not_used, 1);
  ASSERT_EQ(stats->changed.size(), 2u);
  EXPECT_EQ(Stored("2025-10-24"), "4.29 fred");
  EXPECT_EQ(Stored("2025-10-28"), "4.31 nyfed");
  // A series with one source records it; a caller that names none records none.
  ASSERT_TRUE(store_
                  ->IngestObservations("iorb", Unit::kPercent, {{"iorb", D("2025-10-28"), 4.15}},
                                       T("2025-10-29T14:00:00Z"))
                  .ok());
  EXPECT_EQ((*store_->History("iorb", std::nullopt))[0].source, "");
}

}  // namespace
}  // namespace liqwatch::store
