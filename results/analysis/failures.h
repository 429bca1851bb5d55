// Which trials of a sweep ended failed, grouped by their message: the summary `sweep run`
// prints on stderr when it exits 3.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "results/store/store.h"

namespace sweep::results {

struct FailureGroup {
  std::string message;      // as stored (cut to its first line)
  std::size_t trials = 0;   // trials whose final row failed with it
  std::uint64_t first = 0;  // the first such trial in file order
};

// The trials among `rows` (only ids for which `in_sweep` is true) whose final row failed,
// grouped by message, most trials first (ties: first seen first). A trial's final row is the
// one of its highest rung; of equal rungs the best status (ok, diverged, failed), the later of
// equal ones: a trial retried after a failure is not failed, one that failed at a higher rung
// of successive halving is.
std::vector<FailureGroup> failed_trials(const std::vector<StoredTrial>& rows,
                                        const std::function<bool(std::uint64_t)>& in_sweep);

// failed_trials of the rows of `stores` (in that order), read block by block: memory about
// 100 bytes a row, and the failed trials' rows. Throws StoreError.
std::vector<FailureGroup> failed_in_stores(const std::vector<const Store*>& stores,
                                           const std::function<bool(std::uint64_t)>& in_sweep);

// failed_in_stores of an earlier scan of them. Throws StoreError.
struct DigestScan;  // results/analysis/trial_digest.h
std::vector<FailureGroup> failed_in_scan(const DigestScan& scan,
                                         const std::function<bool(std::uint64_t)>& in_sweep);

// The stderr lines for `groups` (N failed trials of `total` in `file`): the count, then one
// line per message with its count and an example trial, at most `max_groups` lines and the
// rest counted. "" when there is no group.
std::string failure_summary(const std::vector<FailureGroup>& groups, std::size_t total,
                            const std::string& file, std::size_t max_groups = 10);

}  // namespace sweep::results
