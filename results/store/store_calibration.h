// The `calibration` table of a results file: each trial's reliability diagram, one row per
// confidence bin that holds rows, written with the trial's other detail rows (before its trials
// row) and read back into TrialResult::calibration.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <vector>

#include "results/h5/table.h"
#include "results/store/store.h"

namespace sweep::results {

// Appends the rows of `r.calibration` (calibration_layout) naming trial row `trial_row` to
// `rows`, counting them in `count`.
void add_calibration_rows(const TrialResult& r, std::int64_t trial_row, std::vector<char>& rows,
                          std::size_t& count);

// The bin in row `p` of the calibration table (calibration_layout()).
CalibrationBin calibration_bin_of_row(const RowLayout& l, const char* p);

// Reads the calibration table of `f` into the trials of `out` (index = trial row) whose rows it
// names, in the order stored. A file without the table gives none. Throws StoreError.
void read_calibration_rows(hid_t f, std::vector<StoredTrial>& out);

}  // namespace sweep::results
