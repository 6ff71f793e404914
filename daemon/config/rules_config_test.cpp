#include "config/rules_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace liqwatch::config {
namespace {

const char* kHead = R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent}
  - {id: tga, source: fred, remote_id: WTREGEN, unit: usd_mn, max_age: 10d}
)";

std::vector<std::string> Errors(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.ToString());
  return out;
}

TEST(RulesConfig, ExprRuleWithLevelsClearForRepeat) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(derived:
  - {id: sofr_iorb, expr: sofr - iorb}
rules:
  - name: sofr_over_iorb
    warn: sofr_iorb > 5bp
    crit: sofr_iorb > 10bp
    clear: sofr_iorb < 2bp
    for: 2
    repeat: 1d
    min_time: 2d
    description: repo above the floor
)",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const auto& rule = r.config->rules[0];
  ASSERT_TRUE(rule.expr);
  EXPECT_EQ(rule.severity, Severity::kCritical);
  ASSERT_EQ(rule.expr->instances.size(), 1u);
  const RuleInstance& inst = rule.expr->instances[0];
  EXPECT_EQ(inst.labels, "");
  EXPECT_FALSE(rule.expr->fans_out());
  EXPECT_EQ(inst.warn->text, "sofr_iorb > 5bp");
  EXPECT_EQ(rule.expr->for_observations, 2);
  EXPECT_EQ(rule.expr->repeat, std::chrono::hours(24));
  EXPECT_EQ(rule.expr->min_time, std::chrono::hours(48));
  const RuleSet& rs = *r.config->rule_set;
  EXPECT_EQ(rs.fetched_count, 3);
  ASSERT_EQ(rs.derived.size(), 1u);
  EXPECT_EQ(rs.RootClock(*rs.catalog.Find("sofr_iorb")), *rs.catalog.Find("sofr"));
  EXPECT_EQ(rs.catalog.spec(*rs.catalog.Find("tga")).max_age, std::chrono::days(10));
  EXPECT_EQ(inst.clock, *rs.catalog.Find("sofr_iorb"));
  EXPECT_EQ(r.config->Summary(), "1 sources, 3 series, 1 rules, 0 notifiers");
}

TEST(RulesConfig, ForAsDurationAndExprSeverity) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(rules:
  - {name: a, expr: "sofr > iorb", severity: critical, for: 3d}
  - {name: b, expr: tga > 1tn}
  - {name: legacy, series: sofr, op: ">", threshold: 4.5}
)",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  EXPECT_TRUE(r.config->rules[0].expr->instances[0].crit);
  EXPECT_FALSE(r.config->rules[0].expr->instances[0].warn);
  EXPECT_EQ(r.config->rules[0].expr->for_duration, std::chrono::hours(72));
  EXPECT_TRUE(r.config->rules[1].expr->instances[0].warn);
  EXPECT_EQ(r.config->rules[1].severity, Severity::kWarning);
  // A threshold rule keeps its written form and is compiled to the same expression rule.
  const RuleConfig& legacy = r.config->rules[2];
  EXPECT_EQ(legacy.series, "sofr");
  ASSERT_TRUE(legacy.expr);
  ASSERT_EQ(legacy.expr->instances.size(), 1u);
  EXPECT_EQ(legacy.expr->instances[0].warn->text, "sofr > 4.5%");  // canonical unit written
  EXPECT_FALSE(legacy.expr->instances[0].crit);
}

// `series op threshold` compiles to that expression at the rule's severity (critical: the crit
// level, as `expr:` with `severity: critical`), with a literal that reads back as exactly the
// threshold (the expression language has no exponent form) and the form kept for the wording.
TEST(RulesConfig, ThresholdRulesCompileToExpressionRules) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(rules:
  - {name: crit, series: tga, op: "<=", threshold: 850.25bn, severity: critical}
  - {name: info, series: sofr, op: ">=", threshold: -0.5, severity: info}
  - {name: tiny, series: sofr, op: "<", threshold: 1e-7}
  - {name: huge, series: tga, op: ">", threshold: 1.5e21bn}
)",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const auto& rules = r.config->rules;
  const RuleInstance& crit = rules[0].expr->instances[0];
  ASSERT_TRUE(crit.crit);
  EXPECT_FALSE(crit.warn);
  EXPECT_EQ(crit.crit->text, "tga <= 850.25bn");
  EXPECT_EQ(crit.clock, *r.config->rule_set->catalog.Find("tga"));
  ASSERT_TRUE(crit.threshold);
  EXPECT_EQ(crit.threshold->series, "tga");
  EXPECT_EQ(crit.threshold->op, Comparison::kLessEqual);
  EXPECT_EQ(crit.threshold->value, 850.25);
  EXPECT_EQ(crit.threshold->dimension, Dimension::kMoney);
  EXPECT_EQ(rules[0].severity, Severity::kCritical);

  EXPECT_EQ(rules[1].expr->instances[0].warn->text, "sofr >= -0.5%");
  EXPECT_EQ(rules[1].expr->warn_severity, Severity::kInfo);
  EXPECT_EQ(rules[2].expr->instances[0].warn->text, "sofr < 0.0000001%");
  EXPECT_EQ(rules[3].expr->instances[0].warn->text, "tga > 1500000000000000000000bn");
  for (const auto& rule : rules) EXPECT_FALSE(rule.expr->fans_out()) << rule.name;
}

TEST(RulesConfig, CompileErrorsPointIntoTheExpression) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(rules:
  - name: a
    expr: sofr - iorbb > 10bp
  - {name: b, expr: "sofr > 1tn"}
  - name: c
    expr: sofr - iorb
)",
                                "t.yaml");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(Errors(r),
              ::testing::ElementsAre(
                  "t.yaml:9:18: rules[0].expr: unknown series 'iorbb' (did you mean 'iorb'?)",
                  ::testing::StartsWith(
                      "t.yaml:10:27: rules[1].expr: cannot compare rate (percent) with money"),
                  "t.yaml:12:11: rules[2].expr: expected a condition (true/false), got rate "
                  "(percent)"));
}

TEST(RulesConfig, DerivedErrorsAndMixedKeys) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(derived:
  - {id: x, expr: sofr + tga}
rules:
  - {name: a, series: sofr, expr: sofr > 4}
  - {name: b, warn: sofr > 4, for: soon}
)",
                                "t.yaml");
  EXPECT_FALSE(r.config);
  auto e = Errors(r);
  ASSERT_EQ(e.size(), 3u) << ::testing::PrintToString(e);
  EXPECT_THAT(
      e[0], ::testing::StartsWith("t.yaml:8:24: derived[0]: cannot add rate (percent) and money"));
  EXPECT_EQ(e[1],
            "t.yaml:10:23: rules[0]: 'series' cannot be combined with expr/warn/crit; "
            "write the comparison as an expression");
  EXPECT_THAT(e[2], ::testing::StartsWith("t.yaml:11:36: rules[1].for: invalid duration 'soon'"));
}

TEST(RulesConfig, SeasonalNeedsAWarningLevelAndACondition) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(rules:
  - {name: a, expr: sofr > 4, severity: critical, seasonal: month_end(2bd)}
  - {name: b, expr: sofr > 4, seasonal: month_end(2d)}
  - {name: c, expr: sofr > 4, seasonal: sofr}
)",
                                "t.yaml");
  EXPECT_FALSE(r.config);
  auto e = Errors(r);
  ASSERT_EQ(e.size(), 3u) << ::testing::PrintToString(e);
  EXPECT_EQ(e[0],
            "t.yaml:8:61: rules[0].seasonal: lowers the warning level to info, but the rule has "
            "no warning level (only critical)");
  EXPECT_THAT(e[1], ::testing::StartsWith("t.yaml:9:41: rules[1].seasonal: month_end() takes "
                                          "business days"));
  EXPECT_THAT(e[2], ::testing::StartsWith("t.yaml:10:41: rules[2].seasonal: expected a condition"));
}

TEST(RulesConfig, ForEachCompilesOneInstancePerItem) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(rules:
  - name: up
    for_each: [{series: sofr, by: 10bp}, {series: iorb, by: 5bp}]
    expr: change($series, 2) > $by
    clear: change($series, 2) < 0
  - name: stale
    for_each: [sofr, tga]
    expr: age($series) > 4d
)",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const RuleSet& rs = *r.config->rule_set;
  const ExprRule& up = *r.config->rules[0].expr;
  EXPECT_TRUE(up.fans_out());
  ASSERT_EQ(up.instances.size(), 2u);
  EXPECT_EQ(up.instances[0].labels, "by=10bp,series=sofr");
  EXPECT_EQ(up.instances[0].warn->text, "change(sofr, 2) > 10bp");
  EXPECT_EQ(up.instances[0].warn->written, "change($series, 2) > $by");
  EXPECT_EQ(up.instances[1].labels, "by=5bp,series=iorb");
  EXPECT_EQ(up.instances[1].clear->text, "change(iorb, 2) < 0");
  EXPECT_EQ(rs.ClockId(up.instances[1]), "iorb");
  EXPECT_FALSE(up.uses_age());
  const ExprRule& stale = *r.config->rules[1].expr;
  ASSERT_EQ(stale.instances.size(), 2u);
  EXPECT_EQ(stale.instances[1].labels, "series=tga");
  EXPECT_EQ(rs.ClockId(stale.instances[1]), "tga");
  EXPECT_TRUE(stale.instances[1].uses_age);
  EXPECT_TRUE(stale.uses_age());
}

TEST(RulesConfig, ForEachErrorsPointAtWhatWasWritten) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(rules:
  - name: a
    for_each: [sofr, tga]
    expr: $series > 4.5%
  - name: b
    for_each: [sofr]
    expr: $series > $limit
  - name: c
    expr: $series > 4
  - name: d
    for_each: [{series: sofr, by: 1bp}, {series: iorb}]
    expr: $series > 4
  - name: e
    for_each: [sofr, sofr]
    expr: $series > 4
  - name: f
    for_each: [sofrr]
    expr: age($series) > 1d and sofr > 1
)",
                                "t.yaml");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(
      Errors(r),
      ::testing::ElementsAre(
          // tga is money: the error names the instance; columns are those of the text as
          // written (the '>' after $series, not after "tga").
          ::testing::StartsWith("t.yaml:10:19: rules[0].expr (series=tga): cannot compare money "
                                "(USD bn) with"),
          "t.yaml:13:21: rules[1].expr (series=sofr): unknown label $limit: for_each defines "
          "series",
          "t.yaml:15:11: rules[2].expr: unknown label $series: only rules with for_each have "
          "labels",
          "t.yaml:17:41: rules[3].for_each[1]: every item needs the same labels as for_each[0] "
          "(by, series)",
          "t.yaml:20:22: rules[4].for_each[1]: duplicate item",
          ::testing::StartsWith("t.yaml:24:15: rules[5].expr (series=sofrr): unknown series "
                                "'sofrr'")));
}

TEST(RulesConfig, SubstituteLabelsMapsColumnsBack) {
  int column = 0;
  auto s = SubstituteLabels("x($s) > $n", {{"s", "sofr"}, {"n", "10bp"}}, &column);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->text, "x(sofr) > 10bp");
  // Each byte of a value maps to its '$'; other bytes keep their column.
  EXPECT_EQ(s->column_map, (std::vector<int>{1, 2, 3, 3, 3, 3, 5, 6, 7, 8, 9, 9, 9, 9}));
  EXPECT_FALSE(SubstituteLabels("a > $m", {{"s", "x"}}, &column).ok());
  EXPECT_EQ(column, 5);
  EXPECT_EQ(SubstituteLabels("a $ b", {}, &column)->text, "a $ b");  // left for the compiler
}

// The shipped daemon config runs the default desk rules: config/liqwatch.yaml carries exactly
// the derived series and rules of config/rules/funding.yaml, every rule with a description and
// every input polled by the daemon config.
TEST(RulesConfig, ShippedConfigUsesTheDefaultDeskRules) {
  const std::string root = LIQWATCH_SOURCE_DIR;
  auto daemon = LoadConfig(root + "/config/liqwatch.yaml");
  auto desk = LoadConfig(root + "/config/rules/funding.yaml");
  ASSERT_TRUE(daemon.config) << ::testing::PrintToString(Errors(daemon));
  ASSERT_TRUE(desk.config) << ::testing::PrintToString(Errors(desk));
  const Config& d = *daemon.config;
  const Config& f = *desk.config;
  ASSERT_EQ(d.rules.size(), f.rules.size());
  for (size_t i = 0; i < f.rules.size(); ++i) {
    const RuleConfig& a = d.rules[i];
    const RuleConfig& b = f.rules[i];
    SCOPED_TRACE(b.name);
    EXPECT_EQ(a.name, b.name);
    ASSERT_TRUE(a.expr) << "an expression rule";
    ASSERT_TRUE(b.expr);
    auto text = [](const std::optional<RuleCondition>& c) { return c ? c->text : std::string(); };
    ASSERT_EQ(a.expr->instances.size(), b.expr->instances.size());
    EXPECT_EQ(a.expr->warn_severity, b.expr->warn_severity);
    EXPECT_EQ(a.description, b.description);
    EXPECT_FALSE(a.description.empty());
    for (size_t k = 0; k < a.expr->instances.size(); ++k) {
      const RuleInstance& ai = a.expr->instances[k];
      const RuleInstance& bi = b.expr->instances[k];
      EXPECT_EQ(ai.labels, bi.labels);
      EXPECT_EQ(text(ai.warn), text(bi.warn));
      EXPECT_EQ(text(ai.crit), text(bi.crit));
      EXPECT_EQ(text(ai.clear), text(bi.clear));
    }
    for (int input : a.expr->instances[0].inputs) {
      // Loading proves every input is polled (the catalog holds only the config's series and
      // derived series); each fetched input must also have the dimension funding.yaml declares.
      const auto& spec = d.rule_set->catalog.spec(input);
      if (d.rule_set->FindDerived(input) != nullptr) continue;
      const SeriesConfig* polled = d.FindSeries(spec.id);
      const SeriesConfig* declared = f.FindSeries(spec.id);
      ASSERT_NE(polled, nullptr) << spec.id;
      ASSERT_NE(declared, nullptr) << spec.id;
      EXPECT_EQ(DimensionOf(polled->unit), DimensionOf(declared->unit)) << spec.id;
    }
  }
  ASSERT_EQ(d.rule_set->derived.size(), f.rule_set->derived.size());
  for (size_t i = 0; i < f.rule_set->derived.size(); ++i) {
    EXPECT_EQ(d.rule_set->derived[i].id, f.rule_set->derived[i].id);
    EXPECT_EQ(d.rule_set->derived[i].text, f.rule_set->derived[i].text);
    EXPECT_EQ(d.rule_set->derived[i].max_age, f.rule_set->derived[i].max_age);
  }
}

// The ETF-flow trap: a flow published in US$m, a threshold read as canonical USD bn. A bare
// number on a series published in another unit than the canonical one is refused, naming the
// place, what it would have meant and how to write it; a written unit is converted.
const char* kFlowHead = R"(sources:
  farside: {type: html_table, preset: farside_btc}
  fred: {type: fred}
series:
  - {id: btc_flow, source: farside, remote_id: Total, unit: usd_mn}
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: oas_bp, source: fred, remote_id: X, unit: bp}
  - {id: tga_bn, source: fred, remote_id: Y, unit: usd_bn}
)";

TEST(RulesConfig, ThresholdCarriesItsUnit) {
  auto r = LoadConfigFromString(std::string(kFlowHead) + R"(rules:
  - {name: a, series: btc_flow, op: "<", threshold: -500mn}
  - {name: b, series: sofr, op: ">", threshold: 4.3}
  - {name: c, series: sofr, op: ">", threshold: 430bp}
  - {name: d, series: oas_bp, op: ">", threshold: 50bp}
  - {name: e, series: tga_bn, op: ">", threshold: 850}
  - {name: f, series: btc_flow, op: ">", threshold: 1.5bn}
  - {name: g, series: btc_flow, op: "<", threshold: 0}
)",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const auto& rules = r.config->rules;
  EXPECT_DOUBLE_EQ(rules[0].threshold, -0.5);  // canonical USD bn: -$500mn
  EXPECT_DOUBLE_EQ(rules[1].threshold, 4.3);
  EXPECT_DOUBLE_EQ(rules[2].threshold, 4.3);
  EXPECT_DOUBLE_EQ(rules[3].threshold, 0.5);
  EXPECT_DOUBLE_EQ(rules[4].threshold, 850);
  EXPECT_DOUBLE_EQ(rules[5].threshold, 1.5);
  EXPECT_DOUBLE_EQ(rules[6].threshold, 0);
}

TEST(RulesConfig, AmbiguousOrWrongThresholdUnitIsAnErrorAtItsPlace) {
  auto r = LoadConfigFromString(std::string(kFlowHead) + R"(rules:
  - {name: a, series: btc_flow, op: "<", threshold: -500}
  - {name: b, series: oas_bp, op: ">", threshold: 50}
  - {name: c, series: sofr, op: ">", threshold: 4.3bn}
  - {name: d, series: btc_flow, op: "<", threshold: -$500mn}
  - {name: e, series: btc_flow, op: "<", threshold: -500m}
)",
                                "t.yaml");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(
      Errors(r),
      ::testing::ElementsAre(
          "t.yaml:10:53: rules[0].threshold: '-500' is ambiguous: series 'btc_flow' is "
          "published in usd_mn but a threshold is compared in usd_bn (-500 would mean "
          "-$500.0bn); write the unit: -500mn (usd_mn as published) or -500bn",
          "t.yaml:11:51: rules[1].threshold: '50' is ambiguous: series 'oas_bp' is published in "
          "bp but a threshold is compared in percent (50 would mean 50.00%); write the unit: "
          "50bp (bp as published) or 50%",
          "t.yaml:12:49: rules[2].threshold: '4.3bn' is money but series 'sofr' is rate (percent)",
          "t.yaml:13:53: rules[3].threshold: expected a number, found '-$500mn' (write the unit "
          "after the number, without '$': -500mn)",
          "t.yaml:14:53: rules[4].threshold: unknown unit 'm' in '-500m', expected a number with "
          "an optional unit: 4.3%, 10bp, 500mn, 25bn, 1tn"));
}

TEST(RulesConfig, BareNumberNextToANonCanonicalSeriesIsAmbiguousInExpressions) {
  auto r = LoadConfigFromString(std::string(kFlowHead) + R"y(derived:
  - {id: flow5, expr: "sum(btc_flow, 5)"}
rules:
  - {name: a, expr: btc_flow < -500}
  - {name: b, expr: flow5 < -2000}
  - {name: c, expr: "crosses_above(oas_bp, 50)"}
  - {name: d, expr: btc_flow < -500mn and flow5 < -2bn and oas_bp > 50bp}
  - {name: e, expr: tga_bn > 850 and btc_flow * 2 < 0 and btc_flow > 0}
)y",
                                "t.yaml");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(Errors(r),
              ::testing::ElementsAre(
                  "t.yaml:12:32: rules[0].expr: '-500' is ambiguous next to btc_flow (published "
                  "in usd_mn, compared in USD bn): write the unit, e.g. -500mn",
                  "t.yaml:13:29: rules[1].expr: '-2000' is ambiguous next to flow5 (published "
                  "in usd_mn, compared in USD bn): write the unit, e.g. -2000mn",
                  "t.yaml:14:44: rules[2].expr: '50' is ambiguous next to oas_bp (published in "
                  "bp, compared in percent): write the unit, e.g. 50bp"));
}

}  // namespace
}  // namespace liqwatch::config
