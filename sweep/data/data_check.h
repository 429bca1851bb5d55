// The data sets of a sweep, checked whole on rank 0 before anything is written: a defect that
// every trial would hit is the user's mistake (exit code 2), not a column of failed trials.
#pragma once

#include <string>
#include <vector>

#include "core/trial.h"
#include "worker/data/raw_images.h"

namespace sweep {

// How much of the data a plan reads.
enum class DataCheck {
  kHeaders,  // headers and counts only (sweep status: the shape is all it needs)
  kWhole,    // every file read and checked whole, as a worker would (sweep run, sweep plan)
};

// The shape of the data set the first trial of `trials` uses (not model = noop), after
// checking every distinct data set of the trials as `check` says: IDX bodies against their
// headers, every CSV row, every image of a folder, an image cache's index and shape, and the
// labels against the classes (see worker::load_raw). `seconds` (optional) gets the time the
// check took. Throws DataError naming the file and the item or line.
worker::DataInfo check_data_sets(const std::vector<TrialSpec>& trials, DataCheck check,
                                 double* seconds = nullptr);

}  // namespace sweep
