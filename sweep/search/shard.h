// Array-job shards: which part of a grid this process runs. Pure logic; the environment is
// passed in as a lookup function so that tests need not set variables.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sweep {

struct Shard {
  int index = 0;  // 0-based
  int count = 1;
  std::string source;  // "--shard", "Slurm array" or "LSF array"
  // "I-of-N" with I 1-based, as used in default file names.
  std::string tag() const;
};

// Returns the environment variable `name`, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment as an EnvLookup.
EnvLookup process_env();

// The shard to run: from `option` ("I/N", I from 1 to N) when it is not empty, else from a Slurm
// array (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or _MIN/_MAX and _STEP) or an LSF
// array (LSB_JOBINDEX from 1 to LSB_JOBINDEX_END, LSB_JOBINDEX_STEP), else nullopt (the whole
// grid). Throws UsageError naming the option or variable when a value is malformed or the
// index is outside the array.
std::optional<Shard> resolve_shard(const std::string& option, const EnvLookup& env);

// Splits trials into `count` shards balanced by estimated cost: longest first (ties by
// position), each to the shard with the least cost so far (ties to the lowest shard).
// Returns the shard of each trial. Deterministic for the same costs.
std::vector<int> assign_shards(const std::vector<double>& costs, int count);

}  // namespace sweep
