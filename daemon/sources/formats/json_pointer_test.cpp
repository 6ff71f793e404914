#include "sources/formats/json_pointer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using testing::D;
using ::testing::HasSubstr;

TEST(JsonPointer, NestedRowsStringAndNumberValues) {
  JsonPointerOptions o;
  o.rows_pointer = "/result/rows";
  o.date_pointer = "/as of";
  o.values = {{"a", "/v/0"}, {"b", "/x~1y"}, {"c", "/t~0"}};
  auto r = ParseJsonPointer(R"({"result":{"rows":[
      {"as of":"2025-10-28","v":[4.31],"x/y":"1,119.9","t~":null},
      {"as of":"2025-10-29","v":["4.27"],"x/y":".","t~":3}]}})",
                            [&] {
                              auto c = o;
                              c.number_style = HumanTableNumberStyle();
                              return c;
                            }());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 6u);
  EXPECT_EQ((*r)[0].column, "a");
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 4.31);
  EXPECT_DOUBLE_EQ(*(*r)[1].value, 1119.9);
  EXPECT_FALSE((*r)[2].value.has_value());
  EXPECT_DOUBLE_EQ(*(*r)[3].value, 4.27);
  EXPECT_FALSE((*r)[4].value.has_value());
  EXPECT_DOUBLE_EQ(*(*r)[5].value, 3);
  EXPECT_EQ((*r)[5].date, D("2025-10-29"));
}

TEST(JsonPointer, UnixSecondsAsNumberOrString) {
  JsonPointerOptions o;
  o.rows_pointer = "";
  o.date_pointer = "/t";
  auto r = ParseJsonPointer(R"([{"t":1761868800,"value":1},{"t":"1761782400","value":"2"},
                                {"t":1761955199,"value":3}])",
                            o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].date, D("2025-10-31"));
  EXPECT_EQ((*r)[1].date, D("2025-10-30"));
  EXPECT_EQ((*r)[2].date, D("2025-10-31"));  // 23:59:59 UTC is still that day
  o.date_kind = JsonDateKind::kUnixSeconds;
  auto ms = ParseJsonPointer(R"([{"t":1761868800000,"value":1}])", o);
  ASSERT_FALSE(ms.ok());
  EXPECT_THAT(ms.status().message(), HasSubstr("expected unix seconds"));
}

TEST(JsonPointer, DateFormatOption) {
  JsonPointerOptions o;
  o.rows_pointer = "/d";
  o.date_format = "%d %b %Y";
  auto r = ParseJsonPointer(R"({"d":[{"date":"06 Jul 2026","value":"-5"}]})", o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].date, D("2026-07-06"));
  EXPECT_DOUBLE_EQ(*(*r)[0].value, -5);
}

TEST(JsonPointer, LayoutErrorsNameThePointer) {
  JsonPointerOptions o;
  o.rows_pointer = "/data";
  auto r = ParseJsonPointer(R"({"rows":[]})", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "JSON: expected an array at pointer '/data', found nothing (document is an object "
            "with keys [rows])");
  auto r2 = ParseJsonPointer(R"({"data":{"a":1}})", o);
  ASSERT_FALSE(r2.ok());
  EXPECT_THAT(r2.status().message(), HasSubstr("found an object with keys [a]"));
  auto r3 = ParseJsonPointer(R"({"data":[{"date":"2025-10-28"}]})", o);
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.status().message(),
            "JSON: row 0 (2025-10-28): expected a value at '/value', found an object with keys "
            "[date]");
  o.missing_value_is_null = true;
  auto r4 = ParseJsonPointer(R"({"data":[{"date":"2025-10-28"}]})", o);
  ASSERT_TRUE(r4.ok());
  EXPECT_FALSE((*r4)[0].value.has_value());
  auto r5 = ParseJsonPointer(R"({"data":[{"date":"2025-10-28","value":"abc"}]})", o);
  ASSERT_FALSE(r5.ok());
  EXPECT_EQ(r5.status().message(),
            "JSON: row 0 (2025-10-28): value at '/value' is the string \"abc\", expected a number");
  auto r6 = ParseJsonPointer(R"({"data":[{"date":true,"value":1}]})", o);
  ASSERT_FALSE(r6.ok());
  EXPECT_THAT(r6.status().message(), HasSubstr("date at '/date' is true, expected a date string"));
}

TEST(JsonPointer, BadPointerTruncatedBodyAndFutureDates) {
  JsonPointerOptions o;
  o.rows_pointer = "data";
  auto r = ParseJsonPointer("[]", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("rows pointer 'data' is not an RFC 6901"));
  o.rows_pointer = "";
  auto cut = ParseJsonPointer(R"([{"date":"2025-10-28","value":1},{"date":"2025-1)", o);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), Status::Code::kParseError);
  o.today = D("2025-10-27");
  auto fut = ParseJsonPointer(R"([{"date":"2025-10-28","value":1}])", o);
  ASSERT_FALSE(fut.ok());
  EXPECT_EQ(fut.status().message(),
            "JSON: 1 row(s) dated after today (2025-10-27), e.g. 2025-10-28");
}

}  // namespace
}  // namespace liqwatch::sources
