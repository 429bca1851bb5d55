#include "results/failures.h"

#include <algorithm>
#include <map>

#include "core/trial_id.h"

namespace sweep::results {

std::vector<FailureGroup> failed_trials(const std::vector<StoredTrial>& rows,
                                        const std::function<bool(std::uint64_t)>& in_sweep) {
  std::map<std::uint64_t, const StoredTrial*> final_row;
  std::vector<std::uint64_t> order;  // ids in the order they first appear
  for (const StoredTrial& t : rows) {
    const std::uint64_t id = t.result.trial_id;
    if (!in_sweep(id)) continue;
    auto [it, added] = final_row.emplace(id, &t);
    if (added) {
      order.push_back(id);
      continue;
    }
    const TrialResult& was = it->second->result;
    if (t.result.rung > was.rung ||
        (t.result.rung == was.rung &&
         status_preference(t.result.status) <= status_preference(was.status))) {
      it->second = &t;
    }
  }
  std::vector<FailureGroup> groups;
  std::map<std::string, std::size_t> at;
  for (std::uint64_t id : order) {
    const TrialResult& r = final_row[id]->result;
    if (r.status != Status::kFailed) continue;
    const std::string message = r.message.substr(0, r.message.find('\n'));
    auto [it, added] = at.emplace(message, groups.size());
    if (added) groups.push_back({message, 0, id});
    ++groups[it->second].trials;
  }
  std::stable_sort(groups.begin(), groups.end(), [](const FailureGroup& a, const FailureGroup& b) {
    return a.trials > b.trials;
  });
  return groups;
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
