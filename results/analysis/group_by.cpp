// The --group-by table of `sweep rank`.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "core/errors.h"
#include "core/keys.h"
#include "results/analysis/analysis.h"
#include "results/analysis/rank.h"
#include "results/analysis/terminal_table.h"
#include "results/analysis/trial_digest.h"
#include "results/analysis/where.h"

namespace sweep::results {
namespace {

// The --group-by table of `trials` (one per id, matching --where), whose groups index
// `values`.
std::string format_groups(const std::vector<TrialDigest>& trials,
                          const std::vector<std::string>& values, const RankOptions& options) {
  const auto [by, higher] = resolve_metric_of(trials, options.by);
  const std::size_t m = static_cast<std::size_t>(
      std::find_if(rank_metrics().begin(), rank_metrics().end(),
                   [&, &by = by](const auto& x) { return x.first == by; }) -
      rank_metrics().begin());
  std::vector<std::pair<std::size_t, double>> items;
  items.reserve(trials.size());
  for (const auto& d : trials) {
    items.emplace_back(d.group, d.status == Status::kOk ? d.metrics[m] : NAN);
  }
  std::vector<GroupStats> rows = group_stats_of(values, items, higher);
  // Best group first; groups without a finished trial last.
  std::stable_sort(rows.begin(), rows.end(),
                   [&, higher = higher](const GroupStats& a, const GroupStats& b) {
                     if (std::isnan(a.best) || std::isnan(b.best))
                       return !std::isnan(a.best) && std::isnan(b.best);
                     return higher ? a.best > b.best : a.best < b.best;
                   });
  std::vector<std::vector<std::string>> cells = {
      {options.group_by, "trials", "ranked", "best", "mean", "std"}};
  for (const auto& r : rows) {
    cells.push_back({r.value, std::to_string(r.trials), std::to_string(r.ranked),
                     format_number(r.best, 4), format_number(r.mean, 4), format_number(r.sd, 4)});
  }
  std::ostringstream os;
  os << by << " by " << options.group_by << (higher ? " (higher is better)" : " (lower is better)")
     << ": " << trials.size() << " trials" << (options.where.empty() ? "" : " matching --where")
     << " in " << rows.size() << " groups\n"
     << render_columns(cells);
  const std::string note = selection_note_of(trials, by);
  if (!note.empty()) os << note << "\n";
  return os.str();
}

}  // namespace

std::string group_table(const std::vector<StoredTrial>& all, const RankOptions& options) {
  check_key_option(options.group_by, "--group-by");
  std::vector<std::string> values;
  std::map<std::string, std::uint32_t> index;
  std::vector<TrialDigest> digests;
  for (std::size_t i = 0; i < all.size(); ++i) {
    TrialDigest d = digest_of(all[i].result, i);
    d.where_ok = matches_where(all[i], options.where);
    auto [it, added] = index.emplace(trial_value(all[i], options.group_by),
                                     static_cast<std::uint32_t>(values.size()));
    if (added) values.push_back(it->first);
    d.group = it->second;
    digests.push_back(d);
  }
  return format_groups(best_matching(digests), values, options);
}

std::string group_files(const std::vector<std::string>& files, const RankOptions& options) {
  check_key_option(options.group_by, "--group-by");
  const std::vector<Store> stores = open_all(files);
  const DigestScan scan = scan_digests(pointers_to(stores), options.where, options.group_by);
  return format_groups(best_matching(scan.digests), scan.group_values, options);
}

}  // namespace sweep::results
