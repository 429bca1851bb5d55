// `sweep export`: the trials of results files as CSV or JSON for pandas, R or a spreadsheet.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "results/store/store.h"

namespace sweep::results {

enum class ExportFormat { kCsv, kJson };

// "csv" or "json" to the format. Throws UsageError naming --format otherwise.
ExportFormat parse_export_format(const std::string& name);

// The trials (one row per trial id, its best row; see best_per_trial) as text. Columns, in
// order: trial_id (16 hex digits, as sweep prints it), status, message, every grid key, the
// final metrics, then where and when it ran; a missing metric is empty (CSV) or null (JSON).
// With `curves`, CSV has one row per trial and epoch instead (trial_id, epoch, train_loss,
// train_acc, val_loss, val_acc, seconds) and each JSON trial gets an "epochs" array.
std::string export_trials(const std::vector<StoredTrial>& trials, ExportFormat format, bool curves);

// export_trials of the trials of `files` (in that order), written to `out` as they are read:
// without curves the files are read twice, first the ids and statuses, then the rows kept a
// block at a time, so that memory stays bounded (about 100 bytes a trial) whatever the files'
// size; with curves too (the kept rows are read with their details through forward readers),
// except when a retried trial's kept copy comes before an earlier one in the output, or for
// files of sweep 0.1: then every trial and its epochs are read first. Throws StoreError.
void export_files(const std::vector<std::string>& files, ExportFormat format, bool curves,
                  std::ostream& out);

}  // namespace sweep::results
