#include "results/rank.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/errors.h"
#include "core/trial_id.h"
#include "results/analysis.h"
#include "results/table_text.h"

namespace sweep::results {
namespace {

double metric_of_unchecked(const TrialResult& r, const std::string& m) {
  if (m == "test_acc") return r.test_acc;
  if (m == "val_acc") return r.val_acc;
  if (m == "macro_f1") return r.macro_f1;
  if (m == "auc") return r.auc;
  if (m == "qwk") return r.qwk;
  if (m == "test_loss") return r.test_loss;
  if (m == "val_loss") return r.val_loss;
  if (m == "wall_seconds") return r.wall_seconds;
  if (m == "train_samples_per_s") return r.train_samples_per_s;
  return std::nan("");
}

}  // namespace

double metric_value(const TrialResult& r, const std::string& name) {
  return metric_of_unchecked(r, name);
}

const std::vector<std::pair<std::string, bool>>& rank_metrics() {
  static const std::vector<std::pair<std::string, bool>> m = {{"test_acc", true},
                                                              {"val_acc", true},
                                                              {"macro_f1", true},
                                                              {"test_loss", false},
                                                              {"val_loss", false},
                                                              {"wall_seconds", false},
                                                              {"train_samples_per_s", true},
                                                              {"auc", true},
                                                              {"qwk", true}};
  return m;
}

std::pair<std::string, bool> resolve_metric(const std::vector<StoredTrial>& trials,
                                            const std::string& by_option) {
  std::string by = by_option;
  if (by.empty()) {
    const bool any_val = std::any_of(trials.begin(), trials.end(), [](const StoredTrial& t) {
      return !std::isnan(t.result.val_acc);
    });
    by = any_val ? "val_acc" : "test_acc";
  }
  auto it = std::find_if(rank_metrics().begin(), rank_metrics().end(),
                         [&](const auto& m) { return m.first == by; });
  if (it == rank_metrics().end()) {
    std::string list;
    for (const auto& m : rank_metrics()) list += " " + m.first;
    throw UsageError("--by: unknown metric '" + by + "'; one of" + list);
  }
  return *it;
}

bool selects_on_test(const std::vector<StoredTrial>& trials, const std::string& metric) {
  if (metric == "test_acc" || metric == "test_loss") return true;
  if (metric != "macro_f1" && metric != "auc" && metric != "qwk") return false;
  return std::any_of(trials.begin(), trials.end(),
                     [](const StoredTrial& t) { return t.result.eval_split == "test"; });
}

std::string selection_note(const std::vector<StoredTrial>& trials, const std::string& metric) {
  const auto ok_with = [&](const std::string& m) {
    return std::any_of(trials.begin(), trials.end(), [&](const StoredTrial& t) {
      return t.result.status == Status::kOk && !std::isnan(metric_value(t.result, m));
    });
  };
  if (!ok_with(metric)) return "";  // nothing was ranked
  const bool any_val = ok_with("val_acc");
  const bool any_test = ok_with("test_acc");
  if (selects_on_test(trials, metric)) {
    return "note: ranked by " + metric +
           ", trials are chosen on the test set: the best value is an optimistic estimate of "
           "the chosen trial on new data; " +
           (any_val ? std::string("rank by val_acc (the default) to choose on validation and "
                                  "read test_acc as the held-out estimate")
                    : std::string("no trial has a validation split; set val_split to choose on "
                                  "validation"));
  }
  if (metric.rfind("val_", 0) == 0 && any_test) {
    return "chosen on validation (" + metric + "); test_acc is the held-out estimate";
  }
  return "";
}

bool ranks_before(const TrialResult& a, const TrialResult& b, const std::string& metric,
                  bool higher) {
  const double x = metric_value(a, metric), y = metric_value(b, metric);
  if (x != y) return higher ? x > y : x < y;
  return a.trial_id < b.trial_id;
}

std::string rank_table(const std::vector<StoredTrial>& all, const RankOptions& options) {
  const std::vector<StoredTrial> trials = filter_trials(best_per_trial(all), options.where);
  const auto [by, higher] = resolve_metric(trials, options.by);
  std::vector<const StoredTrial*> ok;
  int failed = 0, diverged = 0, without = 0;
  for (const auto& t : trials) {
    if (t.result.status == Status::kFailed) ++failed;
    if (t.result.status == Status::kDiverged) ++diverged;
    if (t.result.status == Status::kOk && std::isnan(metric_value(t.result, by))) ++without;
    if (t.result.status == Status::kOk && !std::isnan(metric_value(t.result, by))) ok.push_back(&t);
  }
  std::sort(ok.begin(), ok.end(), [&, &by = by, higher = higher](auto* a, auto* b) {
    return ranks_before(a->result, b->result, by, higher);
  });
  // Parameters that differ between trials are the ones worth a column.
  const std::vector<std::string> shown = swept_keys(trials);
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> head = {"#", "trial_id"};
  head.insert(head.end(), shown.begin(), shown.end());
  for (const char* h : {"val_acc", "test_acc", "macro_f1", "epochs", "seconds"}) head.push_back(h);
  if (std::find(head.begin(), head.end(), by) == head.end()) head.push_back(by);
  cells.push_back(head);
  const std::size_t n = options.top == 0 ? ok.size() : std::min(options.top, ok.size());
  for (std::size_t i = 0; i < n; ++i) {
    const TrialResult& r = ok[i]->result;
    std::vector<std::string> row = {std::to_string(i + 1), trial_id_hex(r.trial_id)};
    for (const auto& k : shown) row.push_back(ok[i]->param(k));
    row.push_back(format_number(r.val_acc, 4));
    row.push_back(format_number(r.test_acc, 4));
    row.push_back(format_number(r.macro_f1, 4));
    row.push_back(std::to_string(r.epochs_run));
    row.push_back(format_number(r.wall_seconds, 1));
    if (row.size() < head.size()) row.push_back(format_number(metric_value(r, by), 4));
    cells.push_back(row);
  }
  std::ostringstream os;
  os << "ranked by " << by << (higher ? " (higher is better)" : " (lower is better)") << ": "
     << ok.size() << " of " << trials.size() << " trials"
     << (options.where.empty() ? "" : " matching --where") << "\n";
  os << render_columns(cells);
  if (without > 0) os << without << " finished trial(s) without " << by << " (not ranked)\n";
  if (failed + diverged > 0) os << failed << " failed, " << diverged << " diverged (not ranked)\n";
  const std::string note = selection_note(trials, by);
  if (!note.empty()) os << note << "\n";
  return os.str();
}

}  // namespace sweep::results
