// A TrialResult whose every column of the trials table (core/result_columns.h) holds a value
// of its own, for round trips that must keep each column apart: a column dropped or swapped
// on the way shows as a mismatch.
#pragma once

#include <string>

#include "core/result_columns.h"

namespace sweep::testing {

// Column i of kResultColumns holds i + 0.25 (reals), i + 1 (ints) or "v<i>" (texts).
inline TrialResult distinct_result(std::uint64_t id) {
  TrialResult r;
  r.trial_id = id;
  r.status = Status::kPruned;
  for (std::size_t i = 0; i < kResultColumnCount; ++i) {
    const ResultColumn& c = kResultColumns[i];
    if (c.real != nullptr) r.*c.real = static_cast<double>(i) + 0.25;
    if (c.integer != nullptr) r.*c.integer = static_cast<std::int32_t>(i) + 1;
    if (c.text != nullptr) r.*c.text = "v" + std::to_string(i);
  }
  return r;
}

// Expects every column of `got` equal to `want`'s, naming the column that differs.
#define EXPECT_SAME_RESULT_COLUMNS(want, got)                                              \
  for (const ResultColumn& c : kResultColumns) {                                            \
    EXPECT_EQ(text_value(c, want), text_value(c, got)) << c.name;                           \
    if (c.real != nullptr || c.integer != nullptr) {                                        \
      EXPECT_EQ(numeric_value(c, want), numeric_value(c, got)) << c.name;                   \
    }                                                                                       \
  }                                                                                         \
  EXPECT_EQ((want).trial_id, (got).trial_id)

}  // namespace sweep::testing
