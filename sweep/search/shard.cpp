#include "sweep/search/shard.h"

#include <charconv>
#include <cstdlib>

#include "core/errors.h"
#include "sweep/search/scheduler.h"

namespace sweep {
namespace {

long long parse_int(const std::string& text, const std::string& what) {
  long long v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    throw UsageError(what + ": '" + text + "' is not an integer");
  }
  return v;
}

Shard checked(long long index, long long count, const std::string& source,
              const std::string& what) {
  if (count < 1 || index < 0 || index >= count) {
    throw UsageError(what + ": shard " + std::to_string(index + 1) + " of " +
                     std::to_string(count) + " is outside 1.." + std::to_string(count));
  }
  return Shard{static_cast<int>(index), static_cast<int>(count), source};
}

std::optional<Shard> from_slurm(const EnvLookup& env) {
  auto id = env("SLURM_ARRAY_TASK_ID");
  if (!id) return std::nullopt;
  const long long task = parse_int(*id, "SLURM_ARRAY_TASK_ID");
  const auto min = env("SLURM_ARRAY_TASK_MIN");
  const auto max = env("SLURM_ARRAY_TASK_MAX");
  const auto step_text = env("SLURM_ARRAY_TASK_STEP");
  const auto count_text = env("SLURM_ARRAY_TASK_COUNT");
  const long long lo = min ? parse_int(*min, "SLURM_ARRAY_TASK_MIN") : 0;
  const long long step = step_text ? parse_int(*step_text, "SLURM_ARRAY_TASK_STEP") : 1;
  if (step < 1) throw UsageError("SLURM_ARRAY_TASK_STEP: must be at least 1");
  long long count = 0;
  if (count_text) {
    count = parse_int(*count_text, "SLURM_ARRAY_TASK_COUNT");
  } else if (max) {
    count = (parse_int(*max, "SLURM_ARRAY_TASK_MAX") - lo) / step + 1;
  } else {
    throw UsageError(
        "SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX "
        "is");
  }
  if ((task - lo) % step != 0) {
    throw UsageError("SLURM_ARRAY_TASK_ID " + *id + " is not on the array's step; use --shard I/N");
  }
  return checked((task - lo) / step, count, "Slurm array", "SLURM_ARRAY_TASK_ID");
}

std::optional<Shard> from_lsf(const EnvLookup& env) {
  auto id = env("LSB_JOBINDEX");
  if (!id || *id == "0") return std::nullopt;  // LSF sets 0 outside job arrays
  const long long index = parse_int(*id, "LSB_JOBINDEX");
  auto end = env("LSB_JOBINDEX_END");
  if (!end) throw UsageError("LSB_JOBINDEX is set but LSB_JOBINDEX_END is not");
  const auto step_text = env("LSB_JOBINDEX_STEP");
  const long long step = step_text ? parse_int(*step_text, "LSB_JOBINDEX_STEP") : 1;
  if (step < 1) throw UsageError("LSB_JOBINDEX_STEP: must be at least 1");
  // LSF array indices start at 1: name[1-N].
  const long long count = (parse_int(*end, "LSB_JOBINDEX_END") - 1) / step + 1;
  if ((index - 1) % step != 0)
    throw UsageError("LSB_JOBINDEX " + *id + " is not on the array's step; use --shard I/N");
  return checked((index - 1) / step, count, "LSF array", "LSB_JOBINDEX");
}

}  // namespace

std::string Shard::tag() const {
  return std::to_string(index + 1) + "-of-" + std::to_string(count);
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::optional<Shard> resolve_shard(const std::string& option, const EnvLookup& env) {
  if (!option.empty()) {
    auto slash = option.find('/');
    if (slash == std::string::npos)
      throw UsageError("--shard: expected I/N (e.g. 2/8), found '" + option + "'");
    const long long i = parse_int(option.substr(0, slash), "--shard");
    const long long n = parse_int(option.substr(slash + 1), "--shard");
    Shard s = checked(i - 1, n, "--shard", "--shard");
    if (s.count == 1) return std::nullopt;  // 1/1: the whole grid, whatever the environment
    return s;
  }
  if (auto s = from_slurm(env)) return s;
  return from_lsf(env);
}

std::vector<int> assign_shards(const std::vector<double>& costs, int count) {
  std::vector<int> shard(costs.size(), 0);
  std::vector<double> load(static_cast<std::size_t>(count), 0.0);
  for (std::size_t i : longest_first(costs)) {
    std::size_t best = 0;
    for (std::size_t s = 1; s < load.size(); ++s) {
      if (load[s] < load[best]) best = s;
    }
    shard[i] = static_cast<int>(best);
    load[best] += costs[i];
  }
  return shard;
}

}  // namespace sweep
