// --where filtering and the --group-by table of `sweep rank`.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "core/errors.h"
#include "core/keys.h"
#include "results/analysis.h"
#include "results/rank.h"
#include "results/table_text.h"
#include "results/trial_digest.h"

namespace sweep::results {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// `text` as a number, when all of it is one.
bool as_number(const std::string& text, double* v) {
  if (text.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

void check_key(const std::string& key, const char* option) {
  if (key != "status" && find_key(key) == nullptr) {
    throw UsageError(std::string(option) + ": unknown key '" + key +
                     "'; a grid key (see sweep --help) or status");
  }
}

}  // namespace

bool same_value(const std::string& stored, const std::string& wanted) {
  double a = 0, b = 0;
  if (as_number(stored, &a) && as_number(wanted, &b)) return a == b;
  return stored == wanted;
}

bool matches_where(const StoredTrial& t,
                   const std::vector<std::pair<std::string, std::string>>& where) {
  return std::all_of(where.begin(), where.end(), [&](const auto& kv) {
    return same_value(trial_value(t, kv.first), kv.second);
  });
}

std::vector<std::pair<std::string, std::string>> parse_where(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    const auto eq = part.find('=');
    const std::string key = trim(part.substr(0, eq));
    if (eq == std::string::npos || key.empty()) {
      throw UsageError("--where: '" + trim(part) + "' is not key=value");
    }
    check_key(key, "--where");
    out.emplace_back(key, trim(part.substr(eq + 1)));
  }
  return out;
}

std::vector<StoredTrial> filter_trials(
    std::vector<StoredTrial> trials,
    const std::vector<std::pair<std::string, std::string>>& where) {
  if (where.empty()) return trials;
  std::vector<StoredTrial> out;
  for (auto& t : trials) {
    if (matches_where(t, where)) out.push_back(std::move(t));
  }
  return out;
}

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
  check_key(options.group_by, "--group-by");
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
  check_key(options.group_by, "--group-by");
  const std::vector<Store> stores = open_all(files);
  const DigestScan scan = scan_digests(pointers_to(stores), options.where, options.group_by);
  return format_groups(best_matching(scan.digests), scan.group_values, options);
}

}  // namespace sweep::results
