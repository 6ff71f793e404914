#include "sources/formats/fear_greed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using testing::D;
using ::testing::HasSubstr;

// The documented example (FEEDS.md §6), verbatim.
constexpr char kDoc[] = R"({
	"name": "Fear and Greed Index",
	"data": [
		{
			"value": "40",
			"value_classification": "Fear",
			"timestamp": "1551157200",
			"time_until_update": "68499"
		},
		{
			"value": "47",
			"value_classification": "Neutral",
			"timestamp": "1551070800"
		}
	],
	"metadata": {
		"error": null
	}
})";

TEST(FearGreed, ParsesDocumentedExampleOldestFirst) {
  auto r = ParseFearGreed(kDoc, {.today = D("2019-02-26")});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].date, D("2019-02-25"));
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 47);
  EXPECT_EQ((*r)[1].date, D("2019-02-26"));
  EXPECT_DOUBLE_EQ(*(*r)[1].value, 40);
  EXPECT_EQ((*r)[1].column, "value");
}

TEST(FearGreed, ApiErrorOutOfRangeAndFuture) {
  auto e = ParseFearGreed(R"({"name":"Fear and Greed Index","data":[],
                             "metadata":{"error":"Limit must be an integer"}})",
                          {});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(e.status().message(), "Fear&Greed: API error: Limit must be an integer");
  auto big = ParseFearGreed(R"({"data":[{"value":"140","timestamp":"1551157200"}]})", {});
  ASSERT_FALSE(big.ok());
  EXPECT_THAT(big.status().message(), HasSubstr("value 140 is outside 0..100"));
  auto fut = ParseFearGreed(kDoc, {.today = D("2019-02-25")});
  ASSERT_FALSE(fut.ok());
  EXPECT_THAT(fut.status().message(), HasSubstr("1 row(s) dated after today"));
  auto cut = ParseFearGreed(std::string_view(kDoc).substr(0, 100), {});
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), Status::Code::kParseError);
  auto shape = ParseFearGreed(R"({"name":"Fear and Greed Index"})", {});
  ASSERT_FALSE(shape.ok());
  EXPECT_EQ(shape.status().code(), Status::Code::kLayoutChanged);
}

TEST(FearGreed, RepeatedDayIsRejected) {
  auto r = ParseFearGreed(R"({"data":[{"value":"40","timestamp":"1551157200"},
                                      {"value":"47","timestamp":"1551157200"}]})",
                          {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Fear&Greed: 2019-02-26 value appears twice (40 and 47)");
}

TEST(FearGreed, Url) {
  EXPECT_EQ(FearGreedUrl("https://api.alternative.me", 10),
            "https://api.alternative.me/fng/?limit=10");
}

}  // namespace
}  // namespace liqwatch::sources
