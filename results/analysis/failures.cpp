#include "results/analysis/failures.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/trial_id.h"
#include "results/analysis/trial_digest.h"

namespace sweep::results {

namespace {

// One stored row as failed_trials weighs it; `at` finds the row again.
struct RowFacts {
  std::uint64_t id = 0;
  std::int32_t rung = 0;
  Status status = Status::kFailed;
  std::size_t at = 0;
};

// The final row of each trial of the sweep among `rows`, in the order ids first appear (see
// failed_trials), failed ones only.
std::vector<RowFacts> failed_final_rows(const std::vector<RowFacts>& rows,
                                        const std::function<bool(std::uint64_t)>& in_sweep) {
  // Only a trial with a failed row can end failed: the others are not followed (in a file of
  // a million trials with few failures, this saves a map of a million ids).
  std::unordered_set<std::uint64_t> ever_failed;
  for (const RowFacts& t : rows) {
    if (t.status == Status::kFailed) ever_failed.insert(t.id);
  }
  if (ever_failed.empty()) return {};
  std::unordered_map<std::uint64_t, std::size_t> final_row;  // id -> index into `finals`
  std::vector<RowFacts> finals;                              // in the order ids first appear
  for (const RowFacts& t : rows) {
    if (ever_failed.count(t.id) == 0 || !in_sweep(t.id)) continue;
    auto [it, added] = final_row.emplace(t.id, finals.size());
    if (added) {
      finals.push_back(t);
      continue;
    }
    RowFacts& was = finals[it->second];
    if (t.rung > was.rung ||
        (t.rung == was.rung && status_preference(t.status) <= status_preference(was.status))) {
      was = t;
    }
  }
  std::vector<RowFacts> failed;
  for (const auto& f : finals) {
    if (f.status == Status::kFailed) failed.push_back(f);
  }
  return failed;
}

// Groups the failed trials (ids with their messages, in order) by the message's first line.
std::vector<FailureGroup> group_by_message(
    const std::vector<std::pair<std::uint64_t, const std::string*>>& failed) {
  std::vector<FailureGroup> groups;
  std::map<std::string, std::size_t> at;
  for (const auto& [id, full] : failed) {
    const std::string message = full->substr(0, full->find('\n'));
    auto [it, added] = at.emplace(message, groups.size());
    if (added) groups.push_back({message, 0, id});
    ++groups[it->second].trials;
  }
  std::stable_sort(groups.begin(), groups.end(), [](const FailureGroup& a, const FailureGroup& b) {
    return a.trials > b.trials;
  });
  return groups;
}

}  // namespace

std::vector<FailureGroup> failed_trials(const std::vector<StoredTrial>& rows,
                                        const std::function<bool(std::uint64_t)>& in_sweep) {
  std::vector<RowFacts> facts;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TrialResult& r = rows[i].result;
    facts.push_back({r.trial_id, r.rung, r.status, i});
  }
  std::vector<std::pair<std::uint64_t, const std::string*>> failed;
  for (const auto& f : failed_final_rows(facts, in_sweep)) {
    failed.emplace_back(f.id, &rows[f.at].result.message);
  }
  return group_by_message(failed);
}

std::vector<FailureGroup> failed_in_stores(const std::vector<const Store*>& stores,
                                           const std::function<bool(std::uint64_t)>& in_sweep) {
  return failed_in_scan(scan_digests(stores, {}, ""), in_sweep);
}

std::vector<FailureGroup> failed_in_scan(const DigestScan& scan,
                                         const std::function<bool(std::uint64_t)>& in_sweep) {
  std::vector<RowFacts> facts;
  facts.reserve(scan.digests.size());
  for (const auto& d : scan.digests) facts.push_back({d.trial_id, d.rung, d.status, d.ref});
  const std::vector<RowFacts> final_failed = failed_final_rows(facts, in_sweep);
  std::vector<std::size_t> refs;
  for (const auto& f : final_failed) refs.push_back(f.at);
  const std::vector<StoredTrial> rows = fetch_rows(scan, refs);  // only the failed ones, whole
  std::vector<std::pair<std::uint64_t, const std::string*>> failed;
  for (std::size_t i = 0; i < final_failed.size(); ++i) {
    failed.emplace_back(final_failed[i].id, &rows[i].result.message);
  }
  return group_by_message(failed);
}

std::string failure_summary(const std::vector<FailureGroup>& groups, std::size_t total,
                            const std::string& file, std::size_t max_groups) {
  if (groups.empty()) return "";
  std::size_t failed = 0;
  for (const auto& g : groups) failed += g.trials;
  std::string s = "sweep: " + std::to_string(failed) + " of " + std::to_string(total) +
                  " trials failed (stored in " + file + " with their messages; `sweep export " +
                  file + "` lists them):\n";
  for (std::size_t i = 0; i < groups.size() && i < max_groups; ++i) {
    const FailureGroup& g = groups[i];
    s += "  " + std::to_string(g.trials) + " x " +
         (g.message.empty() ? std::string("(no message)") : g.message) + "  (e.g. trial " +
         trial_id_hex(g.first) + ")\n";
  }
  if (groups.size() > max_groups) {
    s += "  and " + std::to_string(groups.size() - max_groups) + " other message(s)\n";
  }
  return s;
}

}  // namespace sweep::results
