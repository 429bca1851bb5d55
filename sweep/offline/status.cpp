#include "sweep/offline/status.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>

#include "core/trial_id.h"
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

// The states of `f`'s trials that it does not hold yet (a state of a stored trial is one its
// run had no time to delete).
std::vector<FoundState> unheld_states(const FileTrials& f) {
  std::set<std::uint64_t> held;
  for (const auto& t : f.trials) held.insert(t.first);
  std::vector<FoundState> out;
  for (const FoundState& s : f.states) {
    if (held.count(s.trial_id) == 0) out.push_back(s);
  }
  return out;
}

}  // namespace

namespace {

// search = tpe chooses its trials as results come in: every trial in the files is one of the
// sweep's, out of `samples`.
GridStatus tpe_status(const Plan& plan, const std::vector<FileTrials>& files) {
  GridStatus s;
  s.total = plan.grid.search.samples;
  std::vector<std::pair<std::uint64_t, Status>> all;
  for (const auto& f : files) {
    FileStatus fs;
    fs.path = f.path;
    fs.shard = f.shard;
    fs.saved = unheld_states(f);
    for (const auto& [id, st] : f.trials) (st == Status::kFailed ? fs.failed : fs.done)++;
    fs.missing = s.total > fs.done + fs.failed ? s.total - fs.done - fs.failed : 0;
    s.files.push_back(fs);
    all.insert(all.end(), f.trials.begin(), f.trials.end());
  }
  // Each id once, ok or diverged in some file beating failed.
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return (a.second != Status::kFailed) > (b.second != Status::kFailed);
  });
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0 && all[i].first == all[i - 1].first) continue;
    (all[i].second == Status::kFailed ? s.failed : s.done)++;
  }
  s.missing = s.total > s.done + s.failed ? s.total - s.done - s.failed : 0;
  return s;
}

}  // namespace

GridStatus grid_status(const Plan& plan, const std::vector<FileTrials>& files) {
  if (plan.grid.search.method == SearchSettings::Method::kTpe) return tpe_status(plan, files);
  GridStatus s;
  s.total = plan.trials.size();
  // The grid's trials by id, to look the files' ids up by binary search.
  std::vector<std::size_t> by_id(plan.trials.size());
  for (std::size_t i = 0; i < by_id.size(); ++i) by_id[i] = i;
  std::sort(by_id.begin(), by_id.end(),
            [&](std::size_t a, std::size_t b) { return plan.trials.id(a) < plan.trials.id(b); });
  auto index_of = [&](std::uint64_t id) -> std::optional<std::size_t> {
    auto it = std::lower_bound(by_id.begin(), by_id.end(), id, [&](std::size_t i, std::uint64_t v) {
      return plan.trials.id(i) < v;
    });
    if (it == by_id.end() || plan.trials.id(*it) != id) return std::nullopt;
    return *it;
  };
  // Per grid trial, by index: its best status over the files (ok/diverged beats failed).
  constexpr std::int8_t kNone = -1;
  std::vector<std::int8_t> best(plan.trials.size(), kNone);
  for (const auto& f : files) {
    FileStatus fs;
    fs.path = f.path;
    fs.shard = f.shard;
    fs.saved = unheld_states(f);
    std::vector<bool> held(plan.trials.size(), false);
    for (const auto& [id, st] : f.trials) {
      const std::optional<std::size_t> at = index_of(id);
      if (!at) {
        ++fs.foreign;
        continue;
      }
      held[*at] = true;
      (st == Status::kFailed ? fs.failed : fs.done)++;
      std::int8_t& b = best[*at];
      if (b == kNone || static_cast<Status>(b) == Status::kFailed) b = static_cast<std::int8_t>(st);
    }
    int index = 0, count = 1;
    std::optional<Shard> shard;
    if (parse_tag(f.shard, &index, &count)) shard = Shard{index, count, "file"};
    for (std::size_t i : shard_members(plan, shard)) {
      if (!held[i]) ++fs.missing;
    }
    s.files.push_back(fs);
  }
  for (std::int8_t b : best) {
    if (b != kNone) (static_cast<Status>(b) == Status::kFailed ? s.failed : s.done)++;
  }
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
  out += line;
  for (const auto& f : s.files) {
    std::size_t usable = 0;
    std::string where;
    for (const FoundState& st : f.saved) {
      if (!st.header) continue;
      where += (usable++ == 0 ? "" : ", ") + trial_id_hex(st.trial_id) + " at epoch " +
               state_position(*st.header);
    }
    if (usable > 0) {
      out += f.path + ": " + std::to_string(usable) + " trial" + (usable == 1 ? "" : "s") +
             " saved mid-way: resume continues " + (usable == 1 ? "it" : "them") + " (" + where +
             ")\n";
    }
    for (const FoundState& st : f.saved) {
      if (!st.header)
        out += f.path + ": unusable state: " + st.error + " (the trial starts again)\n";
    }
  }
  return out;
}

}  // namespace sweep
