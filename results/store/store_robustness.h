// The `robustness` table of a results file: each trial's accuracy under each perturbation and
// level its key `robustness` asked, one row each, written with the trial's other detail rows
// (before its trials row) and read back into TrialResult::robustness.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <vector>

#include "results/h5/table.h"
#include "results/store/store.h"

namespace sweep::results {

// Appends the rows of `r.robustness` (robustness_layout) naming trial row `trial_row` to
// `rows`, counting them in `count`.
void add_robustness_rows(const TrialResult& r, std::int64_t trial_row, std::vector<char>& rows,
                         std::size_t& count);

// The point in row `p` of the robustness table (robustness_layout()).
RobustnessPoint robustness_point_of_row(const RowLayout& l, const char* p);

// Reads the robustness table of `f` into the trials of `out` (index = trial row) whose rows it
// names, in the order stored. A file without the table (written before it existed) gives none.
// Throws StoreError on a read failure.
void read_robustness_rows(hid_t f, std::vector<StoredTrial>& out);

}  // namespace sweep::results
