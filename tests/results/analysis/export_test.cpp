#include "results/analysis/export.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/keys.h"
#include "core/result_columns.h"
#include "results/analysis/rank.h"

namespace sweep::results {
namespace {

StoredTrial trial(std::uint64_t id, const std::string& filters, double test, Status st) {
  StoredTrial t;
  for (const auto& k : known_keys())
    t.params.emplace_back(k.name, k.name == "filters" ? filters : k.default_value);
  t.result.trial_id = id;
  t.result.status = st;
  t.result.test_acc = test;
  t.result.message = st == Status::kOk ? "" : "bad, \"quoted\"";
  t.result.epochs = {{1, 0.5, 0.8, 0.4, 0.85, 1.5}};
  return t;
}

TEST(Export, CsvHasOneRowPerTrialQuotedTextAndEmptyNaN) {
  std::vector<StoredTrial> v = {trial(1, "8", 0.75, Status::kFailed),
                                trial(2, "16", 0.5, Status::kOk), trial(1, "8", 0.9, Status::kOk)};
  v[1].result.test_acc = NAN;
  const std::string csv = export_trials(v, ExportFormat::kCsv, ExportRows::kTrials);
  const auto line = [&](int n) {
    std::size_t at = 0;
    for (int i = 0; i < n; ++i) at = csv.find('\n', at) + 1;
    return csv.substr(at, csv.find('\n', at) - at);
  };
  EXPECT_EQ(line(0).rfind("trial_id,status,message,dataset,", 0), 0u) << line(0);
  EXPECT_EQ(line(1).rfind("0000000000000001,ok,,", 0), 0u) << line(1);  // the retry replaced it
  EXPECT_NE(line(1).find(",0.9,"), std::string::npos);
  EXPECT_NE(line(2).find(",,"), std::string::npos);  // NaN test_acc is empty
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  v = {trial(3, "8", 0.1, Status::kFailed)};
  EXPECT_NE(
      export_trials(v, ExportFormat::kCsv, ExportRows::kTrials).find(",\"bad, \"\"quoted\"\"\","),
      std::string::npos);
}

TEST(Export, CsvColumnsAreTheTrialsTablesInItsOrder) {
  std::string want;
  auto add = [&](const std::string& name) { want += (want.empty() ? "" : ",") + name; };
  for (const auto& c : kResultColumns) {
    if (c.before_keys) add(c.name);
  }
  for (const auto& k : known_keys()) {
    if (k.column) add(k.name);
  }
  for (const auto& c : kResultColumns) {
    if (!c.before_keys) add(c.name);
  }
  const std::vector<StoredTrial> v = {trial(1, "8", 0.75, Status::kOk)};
  const std::string csv = export_trials(v, ExportFormat::kCsv, ExportRows::kTrials);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), want);
}

TEST(Export, NumberListsAreArraysInJsonAndSpacedInCsv) {
  StoredTrial t = trial(4, "8", 0.5, Status::kOk);
  for (auto& [k, v] : t.params) {
    if (k == "normalize") v = "custom";
    if (k == "mean") v = "0.485 0.456 0.406";
    if (k == "std") v = "0.25";
  }
  const auto j =
      nlohmann::json::parse(export_trials({t}, ExportFormat::kJson, ExportRows::kTrials));
  EXPECT_EQ(j[0]["normalize"], "custom");
  EXPECT_EQ(j[0]["mean"], nlohmann::json::parse("[0.485, 0.456, 0.406]"));
  EXPECT_EQ(j[0]["std"], nlohmann::json::parse("[0.25]"));
  const std::string csv = export_trials({t}, ExportFormat::kCsv, ExportRows::kTrials);
  EXPECT_NE(csv.find(",custom,0.485 0.456 0.406,0.25,"), std::string::npos) << csv;
  const auto empty = nlohmann::json::parse(
      export_trials({trial(5, "8", 0.5, Status::kOk)}, ExportFormat::kJson, ExportRows::kTrials));
  EXPECT_TRUE(empty[0]["mean"].is_null());  // unset: null, as other empty values
}

TEST(Export, JsonKeepsTypesAndCurves) {
  std::vector<StoredTrial> v = {trial(10, "32", 0.5, Status::kOk)};
  v[0].result.val_acc = NAN;
  const auto j = nlohmann::json::parse(export_trials(v, ExportFormat::kJson, ExportRows::kEpochs));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["trial_id"], "000000000000000a");
  EXPECT_EQ(j[0]["filters"], 32);
  EXPECT_EQ(j[0]["learning_rate"], 0.001);
  EXPECT_TRUE(j[0]["val_acc"].is_null());
  ASSERT_EQ(j[0]["epochs"].size(), 1u);
  EXPECT_EQ(j[0]["epochs"][0]["val_acc"], 0.85);
  const std::string curves = export_trials(v, ExportFormat::kCsv, ExportRows::kEpochs);
  EXPECT_EQ(curves,
            "trial_id,epoch,train_loss,train_acc,val_loss,val_acc,seconds\n"
            "000000000000000a,1,0.5,0.8,0.4,0.85,1.5\n");
  EXPECT_THROW(parse_export_format("xml"), UsageError);
}

TEST(RankFilter, WhereMatchesNumbersAsNumbersAndStatus) {
  std::vector<StoredTrial> v = {trial(1, "8", 0.7, Status::kOk), trial(2, "16", 0.8, Status::kOk),
                                trial(3, "16", 0.0, Status::kFailed)};
  EXPECT_EQ(filter_trials(v, parse_where("filters=16")).size(), 2u);
  EXPECT_EQ(filter_trials(v, parse_where("filters = 16, status=ok")).size(), 1u);
  EXPECT_EQ(filter_trials(v, parse_where("learning_rate=1e-3")).size(), 3u);
  EXPECT_THROW(parse_where("filters"), UsageError);
  EXPECT_THROW(parse_where("colour=red"), UsageError);
}

TEST(RankFilter, GroupByGivesBestMeanStdBestGroupFirst) {
  std::vector<StoredTrial> v = {trial(1, "8", 0.6, Status::kOk), trial(2, "8", 0.8, Status::kOk),
                                trial(3, "16", 0.9, Status::kOk),
                                trial(4, "32", 0.0, Status::kFailed)};
  RankOptions o;
  o.group_by = "filters";
  const std::string t = group_table(v, o);
  EXPECT_NE(t.find("test_acc by filters (higher is better): 4 trials in 3 groups"),
            std::string::npos)
      << t;
  EXPECT_LT(t.find("\n16 "), t.find("\n8 "));
  EXPECT_LT(t.find("\n8 "), t.find("\n32 "));
  EXPECT_NE(t.find("0.8000  0.7000  0.1414"), std::string::npos) << t;
  o.group_by = "colour";
  EXPECT_THROW(group_table(v, o), UsageError);
}

}  // namespace
}  // namespace sweep::results
