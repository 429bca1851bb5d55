#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/keys.h"
#include "core/trial_id.h"
#include "results/report/report_assets.h"
#include "results/report/report_data.h"
#include "results/report/report_html.h"

namespace sweep::results {
namespace {

StoredTrial trial(std::uint64_t id, const std::string& filters, double test, Status st,
                  double start, int rank) {
  StoredTrial t;
  for (const auto& k : known_keys())
    t.params.emplace_back(k.name, k.name == "filters" ? filters : k.default_value);
  TrialResult& r = t.result;
  r.trial_id = id;
  r.status = st;
  r.test_acc = test;
  r.val_acc = test - 0.01;
  r.val_loss = 1 - test;
  r.wall_seconds = 2;
  r.threads = 2;
  r.epochs_run = 2;
  r.rank = rank;
  r.host = "node1";
  r.started_unix = start;
  r.finished_unix = start + 2;
  if (st == Status::kOk) {
    for (int e = 1; e <= 2; ++e) r.epochs.push_back({e, 1.0 / e, 0.5 * e, 1.1 / e, 0.45 * e, 1});
    r.num_classes = 2;
    r.confusion = {5, 1, 2, 7};
    r.eval_split = "test";
  }
  return t;
}

nlohmann::json build(const std::vector<ReportSource>& s, ReportOptions o = {}) {
  return nlohmann::json::parse(report_json(s, o));
}

std::vector<ReportSource> two_files() {
  ReportSource a{"a.h5", {}, {}}, b{"b.h5", {}, {}};
  a.info.shard = "1-of-2";
  a.trials = {trial(1, "8", 0.6, Status::kOk, 1000, 1),
              trial(2, "16", NAN, Status::kFailed, 1000, 2),
              trial(3, "32", 0.9, Status::kOk, 1003, 1)};
  b.trials = {trial(2, "16", 0.7, Status::kOk, 1010, 1),  // trial 2 retried: ok now
              trial(4, "64", 0.5, Status::kOk, 1010, 2)};
  return {a, b};
}

TEST(ReportData, SummaryTopAndBestOverAllFilesWithRetriesCountedOnce) {
  const auto d = build(two_files());
  EXPECT_EQ(d["summary"]["trials"], 4);
  EXPECT_EQ(d["summary"]["ok"], 4);
  EXPECT_EQ(d["summary"]["failed"], 0);
  EXPECT_DOUBLE_EQ(d["summary"]["trial_seconds"].get<double>(), 8);
  EXPECT_DOUBLE_EQ(d["summary"]["core_seconds"].get<double>(), 16);
  // Chosen on validation (val_acc is test_acc - 0.01 here: the same order).
  EXPECT_EQ(d["metric"]["name"], "val_acc");
  EXPECT_EQ(d["metric"]["selection_note"],
            "chosen on validation (val_acc); test_acc is the held-out estimate");
  EXPECT_EQ(d["metric"]["on_test"], false);
  const std::vector<std::string> top = d["top"];
  EXPECT_EQ(top, (std::vector<std::string>{trial_id_hex(3), trial_id_hex(2), trial_id_hex(1),
                                           trial_id_hex(4)}));
  EXPECT_EQ(d["best"]["id"], trial_id_hex(3));
  EXPECT_EQ(d["best"]["params"]["filters"], "32");
  EXPECT_EQ(d["keys"], nlohmann::json::array({"filters"}));
  EXPECT_EQ(d["files"].size(), 2u);
  EXPECT_EQ(d["files"][0]["shard"], "1-of-2");
  EXPECT_EQ(d["files"][1]["rows"], 2);
}

TEST(ReportData, TimelineShowsEveryRowWithFileLanesAndRelativeTimes) {
  const auto d = build(two_files());
  const auto& bars = d["timeline"]["bars"];
  ASSERT_EQ(bars.size(), 5u);  // the failed first attempt of trial 2 too
  EXPECT_EQ(bars[0]["lane"], "a.h5: node1 rank 1");
  EXPECT_EQ(bars[1]["status"], "failed");
  EXPECT_DOUBLE_EQ(bars[0]["start"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(bars[3]["start"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(bars[3]["end"].get<double>(), 12);
  EXPECT_DOUBLE_EQ(d["timeline"]["start_unix"].get<double>(), 1000);
  // One file: lanes without the file name.
  auto one = two_files();
  one.pop_back();
  EXPECT_EQ(build(one)["timeline"]["bars"][0]["lane"], "node1 rank 1");
  // A trial trained by a group (ranks_per_trial = 2) is one bar on its leader's lane.
  for (auto& p : one[0].trials[0].params) {
    if (p.first == "ranks_per_trial") p.second = "2";
  }
  const auto group = build(one)["timeline"]["bars"][0];
  EXPECT_EQ(group["lane"], "node1 rank 1 (group of 2)");
  EXPECT_EQ(group["ranks"], 2);
}

TEST(ReportData, CurvesConfusionEffectsAndImportance) {
  ReportOptions o;
  o.curves = 2;
  const auto d = build(two_files(), o);
  ASSERT_EQ(d["curves"].size(), 2u);
  EXPECT_EQ(d["curves"][0]["id"], trial_id_hex(3));
  EXPECT_EQ(d["curves"][0]["epoch"], nlohmann::json::array({1, 2}));
  EXPECT_DOUBLE_EQ(d["curves"][0]["val_acc"][1].get<double>(), 0.9);
  EXPECT_EQ(d["confusion"]["matrix"], nlohmann::json::parse("[[5,1],[2,7]]"));
  EXPECT_EQ(d["confusion"]["split"], "test");
  const auto& eff = d["effects"]["filters"];
  ASSERT_EQ(eff.size(), 4u);
  EXPECT_EQ(eff[0]["value"], "8");  // numeric order
  EXPECT_EQ(eff[3]["value"], "64");
  EXPECT_EQ(d["importance"][0]["key"], "filters");
  EXPECT_NEAR(d["importance"][0]["share"].get<double>(), 1.0, 1e-12);  // one trial per value
}

TEST(ReportData, CurvesJoinTheEpochsOfEveryRowOfATrial) {
  // Successive halving: rung 0 trained epoch 1, rung 1 epochs 2-3, each row its own epochs.
  ReportSource s{"a.h5", {}, {}};
  StoredTrial r0 = trial(7, "8", 0.5, Status::kOk, 1000, 1), r1 = r0;
  r0.result.epochs = {{1, 2.0, 0.3, 2.1, 0.31, 1}};
  r1.result.rung = 1;
  r1.result.epochs = {{2, 1.5, 0.5, 1.6, 0.52, 1}, {3, 1.2, 0.6, 1.3, 0.61, 1}};
  s.trials = {r0, r1};
  const auto d = build({s});
  ASSERT_EQ(d["curves"].size(), 1u);
  EXPECT_EQ(d["curves"][0]["epoch"], nlohmann::json::parse("[1,2,3]"));
  EXPECT_DOUBLE_EQ(d["curves"][0]["val_acc"][0].get<double>(), 0.31);
  EXPECT_DOUBLE_EQ(d["curves"][0]["val_acc"][2].get<double>(), 0.61);
  EXPECT_EQ(d["summary"]["trials"], 1);
  EXPECT_EQ(d["timeline"]["bars"].size(), 2u);
}

TEST(ReportData, LowerIsBetterMetricAndMissingValuesAsNull) {
  ReportOptions o;
  o.by = "val_loss";
  o.top = 1;
  const auto d = build(two_files(), o);
  EXPECT_EQ(d["metric"]["higher_is_better"], false);
  EXPECT_EQ(d["top"], nlohmann::json::array({trial_id_hex(3)}));  // lowest val_loss
  auto failed_only = two_files();
  failed_only.pop_back();
  failed_only[0].trials = {failed_only[0].trials[1]};
  const auto f = build(failed_only);
  EXPECT_TRUE(f["best"].is_null());
  EXPECT_TRUE(f["confusion"].is_null());
  EXPECT_TRUE(f["trials"][0]["metric"].is_null());
  EXPECT_TRUE(f["top"].empty());
  o.by = "colour";
  EXPECT_THROW(build(two_files(), o), UsageError);
  EXPECT_EQ(build({})["summary"]["trials"], 0);
}

TEST(ReportHtml, SelfContainedWithEscapedTitleAndData) {
  auto files = two_files();
  files[0].trials[0].result.message = "bad </script><script>alert(1)</script>";
  const std::string html = report_html(report_json(files, {}), "a <b> & \"c\"");
  EXPECT_NE(html.find("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find(plotly_js().substr(0, 200)), std::string::npos);
  EXPECT_NE(html.find("bad \\u003c/script>\\u003cscript>alert(1)\\u003c/script>"),
            std::string::npos);
  // Exactly the page's own four scripts: errors.js, plotly.js, the data and report.js.
  std::size_t scripts = 0;
  for (auto p = html.find("<script"); p != std::string::npos; p = html.find("<script", p + 1))
    ++scripts;
  EXPECT_EQ(scripts, 4u);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_GT(plotly_js().size(), 1000000u);
  EXPECT_NE(plotly_version(), "unknown");
  EXPECT_NE(report_js().find("data-state"), std::string::npos);
}

}  // namespace
}  // namespace sweep::results
