// The `mistakes` table of a results file: each trial's most confident wrong predictions, one
// row each, written with the trial's other detail rows (before its trials row) and read back
// into TrialResult::mistakes.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <vector>

#include "results/store/store.h"

namespace sweep::results {

// Appends the rows of `r.mistakes` (mistakes_layout) naming trial row `trial_row` to `rows`,
// counting them in `count`.
void add_mistake_rows(const TrialResult& r, std::int64_t trial_row, std::vector<char>& rows,
                      std::size_t& count);

// Reads the mistakes table of `f` into the trials of `out` (index = trial row) whose rows it
// names, in the order stored (most confident first). A file without the table (written before
// it existed) gives none. Throws StoreError on a read failure.
void read_mistake_rows(hid_t f, std::vector<StoredTrial>& out);

}  // namespace sweep::results
