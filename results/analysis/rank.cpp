#include "results/analysis/rank.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>

#include "core/errors.h"
#include "core/result_columns.h"
#include "core/trial_id.h"
#include "results/analysis/analysis.h"
#include "results/analysis/terminal_table.h"
#include "results/analysis/trial_digest.h"

namespace sweep::results {
double metric_value(const TrialResult& r, const std::string& name) {
  const ResultColumn* c = find_result_column(name);
  return c == nullptr || c->better == Better::kNone ? std::nan("") : numeric_value(*c, r);
}

const std::vector<std::pair<std::string, bool>>& rank_metrics() {
  static const std::vector<std::pair<std::string, bool>> m = [] {
    std::vector<std::pair<std::string, bool>> out;
    for (const auto& c : kResultColumns) {
      if (c.better != Better::kNone) out.emplace_back(c.name, c.better == Better::kHigher);
    }
    return out;
  }();
  return m;
}

namespace {

std::size_t metric_index(const std::string& name) {
  for (std::size_t m = 0; m < rank_metrics().size(); ++m) {
    if (rank_metrics()[m].first == name) return m;
  }
  return rank_metrics().size();
}

std::vector<TrialDigest> digests_of(const std::vector<StoredTrial>& trials) {
  std::vector<TrialDigest> out;
  out.reserve(trials.size());
  for (std::size_t i = 0; i < trials.size(); ++i) out.push_back(digest_of(trials[i].result, i));
  return out;
}

bool ok_with(const std::vector<TrialDigest>& trials, std::size_t m) {
  return std::any_of(trials.begin(), trials.end(), [&](const TrialDigest& d) {
    return d.status == Status::kOk && !std::isnan(d.metrics[m]);
  });
}

}  // namespace

std::pair<std::string, bool> resolve_metric_of(const std::vector<TrialDigest>& trials,
                                               const std::string& by_option) {
  std::string by = by_option;
  if (by.empty()) {
    const std::size_t val = metric_index("val_acc");
    const bool any_val = std::any_of(trials.begin(), trials.end(), [&](const TrialDigest& d) {
      return !std::isnan(d.metrics[val]);
    });
    by = any_val ? "val_acc" : "test_acc";
  }
  const std::size_t m = metric_index(by);
  if (m == rank_metrics().size()) {
    std::string list;
    for (const auto& metric : rank_metrics()) list += " " + metric.first;
    throw UsageError("--by: unknown metric '" + by + "'; one of" + list);
  }
  return rank_metrics()[m];
}

bool selects_on_test_of(const std::vector<TrialDigest>& trials, const std::string& metric) {
  if (metric == "test_acc" || metric == "test_loss") return true;
  if (metric != "macro_f1" && metric != "auc" && metric != "qwk" && metric != "ece" &&
      metric != "brier" && metric != "robust_acc") {
    return false;  // not a metric of eval_split
  }
  return std::any_of(trials.begin(), trials.end(), [](const TrialDigest& d) { return d.on_test; });
}

std::string selection_note_of(const std::vector<TrialDigest>& trials, const std::string& metric) {
  if (!ok_with(trials, metric_index(metric))) return "";  // nothing was ranked
  const bool any_val = ok_with(trials, metric_index("val_acc"));
  const bool any_test = ok_with(trials, metric_index("test_acc"));
  if (selects_on_test_of(trials, metric)) {
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

std::pair<std::string, bool> resolve_metric(const std::vector<StoredTrial>& trials,
                                            const std::string& by) {
  return resolve_metric_of(digests_of(trials), by);
}

bool selects_on_test(const std::vector<StoredTrial>& trials, const std::string& metric) {
  return selects_on_test_of(digests_of(trials), metric);
}

std::string selection_note(const std::vector<StoredTrial>& trials, const std::string& metric) {
  return selection_note_of(digests_of(trials), metric);
}

bool ranks_before(const TrialResult& a, const TrialResult& b, const std::string& metric,
                  bool higher) {
  const double x = metric_value(a, metric), y = metric_value(b, metric);
  if (x != y) return higher ? x > y : x < y;
  return a.trial_id < b.trial_id;
}

namespace {

// The table of rank_table and rank_files from `trials` (one per id, matching --where),
// the parameters worth a column, and `fetch`, which reads the whole rows of refs.
std::string format_rank(
    const std::vector<TrialDigest>& trials, const std::vector<std::string>& shown,
    const std::function<std::vector<StoredTrial>(const std::vector<std::size_t>&)>& fetch,
    const RankOptions& options) {
  const auto [by, higher] = resolve_metric_of(trials, options.by);
  const std::size_t m = metric_index(by);
  std::vector<const TrialDigest*> ok;
  int failed = 0, diverged = 0, pruned = 0, without = 0;
  for (const auto& d : trials) {
    if (d.status == Status::kFailed) ++failed;
    if (d.status == Status::kDiverged) ++diverged;
    if (d.status == Status::kPruned) ++pruned;
    if (d.status == Status::kOk && std::isnan(d.metrics[m])) ++without;
    if (d.status == Status::kOk && !std::isnan(d.metrics[m])) ok.push_back(&d);
  }
  const std::size_t n = options.top == 0 ? ok.size() : std::min(options.top, ok.size());
  std::partial_sort(ok.begin(), ok.begin() + static_cast<std::ptrdiff_t>(n), ok.end(),
                    [&, higher = higher](const TrialDigest* a, const TrialDigest* b) {
                      const double x = a->metrics[m], y = b->metrics[m];
                      if (x != y) return higher ? x > y : x < y;
                      return a->trial_id < b->trial_id;
                    });
  std::vector<std::size_t> refs;
  for (std::size_t i = 0; i < n; ++i) refs.push_back(ok[i]->ref);
  const std::vector<StoredTrial> rows = fetch(refs);
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> head = {"#", "trial_id"};
  head.insert(head.end(), shown.begin(), shown.end());
  for (const char* h : {"val_acc", "test_acc", "macro_f1", "epochs", "seconds"}) head.push_back(h);
  if (std::find(head.begin(), head.end(), by) == head.end()) head.push_back(by);
  cells.push_back(head);
  for (std::size_t i = 0; i < n; ++i) {
    const TrialResult& r = rows[i].result;
    std::vector<std::string> row = {std::to_string(i + 1), trial_id_hex(ok[i]->trial_id)};
    for (const auto& k : shown) row.push_back(rows[i].param(k));
    row.push_back(format_number(r.val_acc, 4));
    row.push_back(format_number(r.test_acc, 4));
    row.push_back(format_number(r.macro_f1, 4));
    row.push_back(std::to_string(r.epochs_run));
    row.push_back(format_number(r.wall_seconds, 1));
    if (row.size() < head.size()) row.push_back(format_number(ok[i]->metrics[m], 4));
    cells.push_back(row);
  }
  std::ostringstream os;
  os << "ranked by " << by << (higher ? " (higher is better)" : " (lower is better)") << ": "
     << ok.size() << " of " << trials.size() << " trials"
     << (options.where.empty() ? "" : " matching --where") << "\n";
  os << render_columns(cells);
  if (without > 0) os << without << " finished trial(s) without " << by << " (not ranked)\n";
  if (failed + diverged > 0) os << failed << " failed, " << diverged << " diverged (not ranked)\n";
  if (pruned > 0) os << pruned << " stopped early by the stopping rule, pruned (not ranked)\n";
  const std::string note = selection_note_of(trials, by);
  if (!note.empty()) os << note << "\n";
  return os.str();
}

}  // namespace

std::string rank_table(const std::vector<StoredTrial>& all, const RankOptions& options) {
  std::vector<TrialDigest> digests = digests_of(all);
  for (auto& d : digests) d.where_ok = matches_where(all[d.ref], options.where);
  const std::vector<TrialDigest> trials = best_matching(digests);
  std::vector<StoredTrial> chosen;
  for (const auto& d : trials) chosen.push_back(all[d.ref]);
  auto fetch = [&](const std::vector<std::size_t>& refs) {
    std::vector<StoredTrial> out;
    for (std::size_t r : refs) out.push_back(all[r]);
    return out;
  };
  return format_rank(trials, swept_keys(chosen), fetch, options);
}

std::string rank_files(const std::vector<std::string>& files, const RankOptions& options) {
  const std::vector<Store> stores = open_all(files);
  return rank_stores(pointers_to(stores), options);
}

std::string rank_stores(const std::vector<const Store*>& stores, const RankOptions& options) {
  return rank_scan(scan_digests(stores, options.where, ""), options);
}

std::string rank_scan(const DigestScan& scan, const RankOptions& options) {
  const std::vector<TrialDigest> trials = best_matching(scan.digests);
  resolve_metric_of(trials, options.by);  // an unknown metric before the files are read again
  auto fetch = [&](const std::vector<std::size_t>& refs) { return fetch_rows(scan, refs); };
  return format_rank(trials, swept_among(scan, trials), fetch, options);
}

}  // namespace sweep::results
