#include "sweep/commands/status.h"

#include <cstdio>
#include <map>
#include <set>

#include "sweep/search/shard.h"

namespace sweep {
namespace {

// Parses "I-of-N"; returns false for "" or anything else.
bool parse_tag(const std::string& tag, int* index, int* count) {
  int i = 0, n = 0;
  char tail = 0;
  if (std::sscanf(tag.c_str(), "%d-of-%d%c", &i, &n, &tail) != 2 || i < 1 || n < 1 || i > n)
    return false;
  *index = i - 1;
  *count = n;
  return true;
}

}  // namespace

GridStatus grid_status(const Plan& plan, const std::vector<FileTrials>& files) {
  GridStatus s;
  s.total = plan.trials.size();
  std::map<std::uint64_t, std::size_t> index_of;
  for (std::size_t i = 0; i < plan.trials.size(); ++i) index_of[plan.trials[i].trial_id] = i;
  std::map<std::uint64_t, Status> best;  // per grid trial: ok/diverged beats failed
  for (const auto& f : files) {
    FileStatus fs;
    fs.path = f.path;
    fs.shard = f.shard;
    std::set<std::uint64_t> held;
    for (const auto& [id, st] : f.trials) {
      if (index_of.count(id) == 0) {
        ++fs.foreign;
        continue;
      }
      held.insert(id);
      (st == Status::kFailed ? fs.failed : fs.done)++;
      auto it = best.find(id);
      if (it == best.end() || it->second == Status::kFailed) best[id] = st;
    }
    int index = 0, count = 1;
    std::optional<Shard> shard;
    if (parse_tag(f.shard, &index, &count)) shard = Shard{index, count, "file"};
    for (std::size_t i : shard_members(plan, shard)) {
      if (held.count(plan.trials[i].trial_id) == 0) ++fs.missing;
    }
    s.files.push_back(fs);
  }
  for (const auto& [id, st] : best) (st == Status::kFailed ? s.failed : s.done)++;
  s.missing = s.total - s.done - s.failed;
  return s;
}

std::string format_status(const GridStatus& s) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-40s %-10s %6s %6s %8s %8s\n", "file", "shard", "done",
                "failed", "missing", "foreign");
  out += line;
  for (const auto& f : s.files) {
    std::snprintf(line, sizeof line, "%-40s %-10s %6zu %6zu %8zu %8zu\n", f.path.c_str(),
                  f.shard.empty() ? "-" : f.shard.c_str(), f.done, f.failed, f.missing, f.foreign);
    out += line;
  }
  std::snprintf(line, sizeof line, "grid: %zu trials: %zu done, %zu failed, %zu missing\n", s.total,
                s.done, s.failed, s.missing);
  return out + line;
}

}  // namespace sweep
